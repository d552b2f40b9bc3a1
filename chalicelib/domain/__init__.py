"""Pure domain rules: no boto3, no PynamoDB, no Chalice imports here."""
