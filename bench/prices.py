"""The AWS price table the cost figures use: Asia Pacific (Singapore), ap-southeast-1, on-demand,
in US dollars — published AWS prices as of January 2025 (each service's pricing page on
aws.amazon.com, region "Asia Pacific (Singapore)"; DynamoDB on-demand after its November 2024
reduction). docs/cost-model.md explains each line and the formulas; update both together."""

from __future__ import annotations

from typing import Final

AS_OF: Final = "2025-01"
SOURCE: Final = "published AWS prices as of January 2025, ap-southeast-1 (Asia Pacific, Singapore), on-demand, USD"

# unit → USD per unit
PRICES: Final[dict[str, float]] = {
    "dynamodb_write_request_unit": 0.7125 / 1_000_000,  # on-demand WRU (Standard table class)
    "dynamodb_read_request_unit": 0.1425 / 1_000_000,  # on-demand RRU
    "dynamodb_gb_month": 0.285,  # storage, Standard table class
    "dynamodb_pitr_gb_month": 0.228,  # continuous backups (PITR)
    "lambda_request": 0.20 / 1_000_000,
    "lambda_gb_second": 0.0000166667,  # x86
    "api_gateway_request": 4.25 / 1_000_000,  # REST API, first 333 million a month
    "sqs_request": 0.40 / 1_000_000,  # standard queue, per 64 KB chunk
    "step_functions_transition": 0.025 / 1_000,  # Standard workflows
    "s3_put_request": 0.005 / 1_000,  # PUT, COPY, POST, LIST
    "s3_get_request": 0.0004 / 1_000,  # GET, HEAD and the rest
    "s3_gb_month": 0.025,  # S3 Standard, first 50 TB
    "kms_request": 0.03 / 10_000,
    "secrets_manager_request": 0.05 / 10_000,
    "cloudwatch_logs_gb_ingested": 0.70,
    "xray_trace": 5.00 / 1_000_000,  # traces recorded (sampled)
}

# Fixed monthly costs that do not scale with dossiers (for the capacity plan).
MONTHLY: Final[dict[str, float]] = {
    "kms_key": 1.00,
    "secrets_manager_secret": 0.40,
}
