"""The one reset of what hoso's code keeps per process between requests — settings, secrets, the
catalogue's cache, AWS clients and every store's PynamoDB connections, the DVCQG sessions, the
signing gateways, the presigner, the trusted roots, the queues' lookups — for a process whose
environment changes under it: the local stack (its endpoints and names) and the tests (moto per
test, the simulators' URLs)."""

from __future__ import annotations

from chalicelib import aws, presign, settings
from chalicelib.documents import signing, trust
from chalicelib.flows import store as flow_store
from chalicelib.integrations import dvcqg, secrets
from chalicelib.notifications import store as notification_store
from chalicelib.specialised import events as specialised_events
from chalicelib.specialised import store as specialised_store
from chalicelib.store import catalogue, models
from chalicelib.sync import queues


def reset_app_caches() -> None:
    """Forget everything cached from an older environment; each is built again on first use."""
    settings.reset_settings_cache()
    aws.reset_clients()
    models.reset_connections()
    flow_store.reset_connections()
    notification_store.reset_connections()
    specialised_events.reset_connections()
    specialised_store.reset_connections()
    secrets.clear_cache()
    catalogue.clear_cache()
    trust.clear_cache()
    signing.reset_gateways()
    presign.reset()
    dvcqg.reset_clients()
    queues.reset_cache()
