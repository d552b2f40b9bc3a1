"""Typed settings, parsed once from the environment.

This is the only module that reads ``os.environ``. The variable names are the contract
between ``infra/`` (which sets them on every Lambda function), the local stack (which
resolves them from the same synthesised template) and the code.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, Field


class Settings(BaseModel):
    stage: str = Field("dev", alias="HOSO_STAGE")
    region: str = Field("ap-southeast-1", alias="AWS_DEFAULT_REGION")
    # DynamoDB tables
    dossiers_table: str = Field("hoso-dev-dossiers", alias="HOSO_DOSSIERS_TABLE")
    catalogue_table: str = Field("hoso-dev-catalogue", alias="HOSO_CATALOGUE_TABLE")
    counters_table: str = Field("hoso-dev-counters", alias="HOSO_COUNTERS_TABLE")
    sync_table: str = Field("hoso-dev-sync", alias="HOSO_SYNC_TABLE")
    # who looked up or read whose personal data (append-only: the API may only put and query it)
    access_log_table: str = Field("hoso-dev-accesslog", alias="HOSO_ACCESS_LOG_TABLE")
    # S3 buckets
    attachments_bucket: str = Field("hoso-dev-attachments", alias="HOSO_ATTACHMENTS_BUCKET")
    results_bucket: str = Field("hoso-dev-results", alias="HOSO_RESULTS_BUCKET")
    # the provincial systems' exports: a migration run reads only under this bucket (chalicelib/migration)
    migration_bucket: str = Field("hoso-dev-migration", alias="HOSO_MIGRATION_BUCKET")
    # SQS queues (one per consumer of the dossier events, plus the agency hand-over queue)
    sync_dvcqg_queue_url: str = Field("", alias="HOSO_SYNC_DVCQG_QUEUE_URL")
    sync_coordinator_queue_url: str = Field("", alias="HOSO_SYNC_COORDINATOR_QUEUE_URL")
    sync_province_queue_url: str = Field("", alias="HOSO_SYNC_PROVINCE_QUEUE_URL")
    agency_tasks_queue_url: str = Field("", alias="HOSO_AGENCY_TASKS_QUEUE_URL")  # Step Functions' task tokens
    # committed dossier changes → the flows, consultations and specialised software (chalicelib/flows/changes.py)
    dossier_changes_queue_url: str = Field("", alias="HOSO_DOSSIER_CHANGES_QUEUE_URL")
    # the outbox relay's one fan-out: SNS topic, a filtered subscription per queue (chalicelib/sync/destinations.py)
    dossier_events_topic_arn: str = Field("", alias="HOSO_DOSSIER_EVENTS_TOPIC_ARN")
    # scheduled jobs' work items, one queue per job (chalicelib/jobs)
    job_deadline_sweep_queue_url: str = Field("", alias="HOSO_JOB_DEADLINE_SWEEP_QUEUE_URL")
    job_reconcile_dvcqg_queue_url: str = Field("", alias="HOSO_JOB_RECONCILE_DVCQG_QUEUE_URL")
    job_reconcile_payments_queue_url: str = Field("", alias="HOSO_JOB_RECONCILE_PAYMENTS_QUEUE_URL")
    job_integrity_anchor_queue_url: str = Field("", alias="HOSO_JOB_INTEGRITY_ANCHOR_QUEUE_URL")
    # Object Lock mode of each daily anchor object (chalicelib.integrity.anchor): COMPLIANCE in production
    # (nobody, not even the account's root, shortens it), GOVERNANCE elsewhere (infra/anchor.py)
    anchor_lock_mode: Literal["GOVERNANCE", "COMPLIANCE"] = Field("GOVERNANCE", alias="HOSO_ANCHOR_LOCK_MODE")
    ereceipts_queue_url: str = Field("", alias="HOSO_ERECEIPTS_QUEUE_URL")  # receipts to issue (chalicelib/ereceipts)
    # Step Functions
    birth_flow_arn: str = Field("", alias="HOSO_BIRTH_FLOW_ARN")
    death_flow_arn: str = Field("", alias="HOSO_DEATH_FLOW_ARN")
    chain_flow_arn: str = Field("", alias="HOSO_CHAIN_FLOW_ARN")
    migration_run_arn: str = Field("", alias="HOSO_MIGRATION_RUN_ARN")
    # Integration credentials live in Secrets Manager; these are the secret ids.
    dvcqg_hmac_secret_id: str = Field("hoso/dev/dvcqg-hmac-keys", alias="HOSO_DVCQG_HMAC_SECRET_ID")
    dvcqg_credentials_secret_id: str = Field(
        "hoso/dev/dvcqg-credentials", alias="HOSO_DVCQG_CREDENTIALS_SECRET_ID"
    )
    payment_hmac_secret_id: str = Field("hoso/dev/payment-hmac-key", alias="HOSO_PAYMENT_HMAC_SECRET_ID")
    integration_clients_secret_id: str = Field(
        "hoso/dev/integration-clients", alias="HOSO_INTEGRATION_CLIENTS_SECRET_ID"
    )
    population_secret_id: str = Field("hoso/dev/population-api-key", alias="HOSO_POPULATION_SECRET_ID")
    messaging_secret_id: str = Field("hoso/dev/messaging-credentials", alias="HOSO_MESSAGING_SECRET_ID")
    # {"<credential>": {"client_id", "key"}}: the e-receipt providers' credentials (chalicelib/ereceipts/provider.py)
    ereceipt_secret_id: str = Field("hoso/dev/ereceipt-credentials", alias="HOSO_ERECEIPT_SECRET_ID")
    # {"key": …}: the HMAC key under which personal numbers key the access log
    access_log_secret_id: str = Field("hoso/dev/access-log-key", alias="HOSO_ACCESS_LOG_SECRET_ID")
    # Outside parties (through the integration platform in production)
    dvcqg_base_url: str = Field("http://127.0.0.1:8101", alias="DVCQG_BASE_URL")
    coordinator_base_url: str = Field("http://127.0.0.1:8102", alias="COORDINATOR_BASE_URL")
    # The origins the coordinator's deep-link desk intake may send an officer back to (SPEC §7.7), comma-separated
    # (chalicelib/domain/desk_link.py): any other return URL is refused, never followed.
    coordinator_return_origins: str = Field("http://127.0.0.1:8102,http://localhost:8102",
                                            alias="HOSO_COORDINATOR_RETURN_ORIGINS")  # fmt: skip
    # Provincial systems (SPEC §7.11): JSON, province code → {"url", "secret", "envelope"?}
    # (chalicelib/integrations/endpoints.py). Empty object: no province receives anything.
    provinces: str = Field("{}", alias="HOSO_PROVINCES")
    # JSON, "dvcqg" / "coordinator" → "direct" (the /service envelope) | "lgsp" (default direct)
    sync_envelopes: str = Field("{}", alias="HOSO_SYNC_ENVELOPES")
    ministry_unit_code: str = Field("000.00.00.G12", alias="HOSO_MINISTRY_UNIT_CODE")
    # The unit the post-deploy smoke test (infra/smoke.py) files its synthetic intakes to: its
    # dossiers never leave hoso (chalicelib/sync/scope.py). Empty: every unit syncs.
    smoke_test_unit_code: str = Field("000.00.00.K99", alias="HOSO_SMOKE_TEST_UNIT_CODE")
    vneid_issuer: str = Field("http://127.0.0.1:8104", alias="VNEID_ISSUER")
    vneid_audience: str = Field("hoso-officers", alias="VNEID_AUDIENCE")
    vneid_jwks_url: str = Field("http://127.0.0.1:8104/.well-known/jwks.json", alias="VNEID_JWKS_URL")
    population_base_url: str = Field("http://127.0.0.1:8105", alias="POPULATION_BASE_URL")
    esign_base_url: str = Field("http://127.0.0.1:8106", alias="ESIGN_BASE_URL")
    payment_base_url: str = Field("http://127.0.0.1:8107", alias="PAYMENT_BASE_URL")
    post_base_url: str = Field("http://127.0.0.1:8108", alias="POST_BASE_URL")
    agency_base_url: str = Field("http://127.0.0.1:8109", alias="AGENCY_BASE_URL")
    messaging_base_url: str = Field("http://127.0.0.1:8110", alias="MESSAGING_BASE_URL")
    # E-receipt providers (SPEC §7.8): the default provider's endpoint, and per unit
    # {"<unit code>": {"endpoint": "https://…", "credential": "<entry of the ereceipt-credentials secret>"}}
    ereceipt_base_url: str = Field("http://127.0.0.1:8117", alias="ERECEIPT_BASE_URL")
    ereceipt_units: str = Field("{}", alias="HOSO_ERECEIPT_UNITS")
    # The officers' assistant (FR-22): "off" (the default) — answers are composed from the facts alone —
    # or the URL of a language-model service that rewords them (chalicelib/integrations/language_model.py)
    assistant_llm: str = Field("off", alias="HOSO_ASSISTANT_LLM")
    # Proxies in front of the API whose X-Forwarded-For is believed (CIDRs, comma-separated; the
    # government integration gateway). Empty: callers are their source address (chalicelib/api/caller.py).
    trusted_proxies: str = Field("", alias="HOSO_TRUSTED_PROXIES")
    # Hosts (``name`` or ``name:port``, comma-separated) hoso may call although they resolve to a private,
    # loopback or link-local address (chalicelib/outbound.py): the local stack's simulators and the tests'
    # servers only. Empty — every internal address refused — on AWS: a deployment's configuration refuses it.
    outbound_private_hosts: str = Field("", alias="HOSO_OUTBOUND_PRIVATE_HOSTS")
    # Public base URL of the API (download links, QR codes)
    public_base_url: str = Field("http://127.0.0.1:8000", alias="HOSO_PUBLIC_BASE_URL")

    model_config = {"populate_by_name": True, "frozen": True}


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    known = {f.alias for f in Settings.model_fields.values() if f.alias}
    return Settings.model_validate({k: v for k, v in os.environ.items() if k in known})


def reset_settings_cache() -> None:
    """Tests and the local stack change the environment; forget the parsed copy."""
    get_settings.cache_clear()
