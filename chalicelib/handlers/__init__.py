"""Event handlers' logic (SQS, DynamoDB streams, schedules, EventBridge): app.py wires
each to its trigger in one line."""
