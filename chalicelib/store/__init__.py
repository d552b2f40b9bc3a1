"""Persistence: PynamoDB models and the repositories that use them. The only package
that talks to DynamoDB."""
