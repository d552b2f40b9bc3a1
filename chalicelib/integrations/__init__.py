"""Clients of outside parties and of AWS services other than DynamoDB."""
