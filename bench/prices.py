"""The AWS price table the cost figures use: Asia Pacific (Singapore), ap-southeast-1, on-demand,
in US dollars, without free tiers. Each price names the AWS pricing page it comes from and the
date it was read there (``SOURCES``); this machine has no internet access, so the table is not
re-read at run time — check the pages before budgeting with it. docs/cost-model.md explains each
line and the formulas; update both together."""

from __future__ import annotations

from typing import Final, NamedTuple


class Source(NamedTuple):
    url: str
    as_of: str  # when the price was read on that page (YYYY-MM)
    note: str = ""


_DYNAMODB = "https://aws.amazon.com/dynamodb/pricing/on-demand/"
_LAMBDA = "https://aws.amazon.com/lambda/pricing/"
_APIGW = "https://aws.amazon.com/api-gateway/pricing/"
_SQS = "https://aws.amazon.com/sqs/pricing/"
_SFN = "https://aws.amazon.com/step-functions/pricing/"
_S3 = "https://aws.amazon.com/s3/pricing/"
_KMS = "https://aws.amazon.com/kms/pricing/"
_SECRETS = "https://aws.amazon.com/secrets-manager/pricing/"
_CLOUDWATCH = "https://aws.amazon.com/cloudwatch/pricing/"
_XRAY = "https://aws.amazon.com/xray/pricing/"

AS_OF: Final = "2025-01"
SOURCE: Final = "AWS pricing pages (see SOURCES), region Asia Pacific (Singapore) ap-southeast-1, on-demand, USD"

# unit → USD per unit
PRICES: Final[dict[str, float]] = {
    "dynamodb_write_request_unit": 0.7125 / 1_000_000,  # on-demand WRU, Standard table class
    "dynamodb_read_request_unit": 0.1425 / 1_000_000,  # on-demand RRU, Standard table class
    "dynamodb_gb_month": 0.285,  # storage, Standard table class
    "dynamodb_pitr_gb_month": 0.228,  # continuous backups (PITR)
    "lambda_request": 0.20 / 1_000_000,
    "lambda_gb_second": 0.0000133334,  # arm64 (every function: infra/package.py), first 7.5 billion GB-s a month
    "lambda_gb_second_x86": 0.0000166667,  # x86_64, first 6 billion GB-s a month (for comparison)
    "api_gateway_request": 4.25 / 1_000_000,  # REST API, first 333 million a month
    "sqs_request": 0.40 / 1_000_000,  # standard queue, per 64 KB chunk of a request
    "step_functions_transition": 0.025 / 1_000,  # Standard workflows
    "s3_put_request": 0.005 / 1_000,  # PUT, COPY, POST, LIST (S3 Standard)
    "s3_get_request": 0.0004 / 1_000,  # GET, HEAD and the rest
    "s3_gb_month": 0.025,  # S3 Standard, first 50 TB a month
    "kms_request": 0.03 / 10_000,  # symmetric key requests
    "secrets_manager_request": 0.05 / 10_000,
    "cloudwatch_logs_gb_ingested": 0.70,  # Standard log class
    "xray_trace": 5.00 / 1_000_000,  # traces recorded (sampled)
}

SOURCES: Final[dict[str, Source]] = {
    "dynamodb_write_request_unit": Source(_DYNAMODB, AS_OF, "after the 14 Nov 2024 on-demand price cut (−50 %)"),
    "dynamodb_read_request_unit": Source(_DYNAMODB, AS_OF, "after the 14 Nov 2024 on-demand price cut (−50 %)"),
    "dynamodb_gb_month": Source(_DYNAMODB, AS_OF, "first 25 GB a month free"),
    "dynamodb_pitr_gb_month": Source(_DYNAMODB, AS_OF),
    "lambda_request": Source(_LAMBDA, AS_OF),
    "lambda_gb_second": Source(_LAMBDA, AS_OF, "arm64 (Graviton), 20 % below x86_64"),
    "lambda_gb_second_x86": Source(_LAMBDA, AS_OF, "x86_64: the figure before the functions moved to arm64"),
    "api_gateway_request": Source(_APIGW, AS_OF, "HTTP APIs cost about a quarter of this"),
    "sqs_request": Source(_SQS, AS_OF, "first million requests a month free"),
    "step_functions_transition": Source(_SFN, AS_OF, "first 4,000 transitions a month free"),
    "s3_put_request": Source(_S3, AS_OF),
    "s3_get_request": Source(_S3, AS_OF),
    "s3_gb_month": Source(_S3, AS_OF),
    "kms_request": Source(_KMS, AS_OF),
    "secrets_manager_request": Source(_SECRETS, AS_OF),
    "cloudwatch_logs_gb_ingested": Source(_CLOUDWATCH, AS_OF),
    "xray_trace": Source(_XRAY, AS_OF),
}

# Fixed monthly costs that do not scale with dossiers (for the capacity plan).
MONTHLY: Final[dict[str, float]] = {
    "kms_key": 1.00,  # per customer managed key
    "secrets_manager_secret": 0.40,  # per secret
}
MONTHLY_SOURCES: Final[dict[str, Source]] = {
    "kms_key": Source(_KMS, AS_OF),
    "secrets_manager_secret": Source(_SECRETS, AS_OF),
}
