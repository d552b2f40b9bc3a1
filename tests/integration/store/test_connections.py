"""Every item type keeps its own PynamoDB connection. PynamoDB describes a table from the class that
opened the connection; a subclass sharing its parent's would not know its own indexes, so the
reconciliation's first page failed with "Table hoso-dev-sync has no index: gsi1" whenever the sync
table's base item type had been used first in the process (seen in the fault suite)."""

from __future__ import annotations

import boto3
import pytest

from chalicelib.settings import get_settings
from chalicelib.store.models import DossiersTable, Gsi1, SyncItem, reset_connections
from chalicelib.sync import store as sync_store
from tests.integration.reports.conftest import World
from tests.moto_tables import create_table


@pytest.fixture
def sync_table(world: World) -> None:
    settings = get_settings()
    create_table(boto3.client("dynamodb", region_name=settings.region), settings.sync_table, 1)


def test_an_item_type_used_after_its_base_still_knows_its_indexes(sync_table: None) -> None:
    reset_connections()
    assert list(SyncItem.query("SYNC#none")) == []  # the base opens its connection first

    class Changed(SyncItem):  # an item type defined as a module defines it: after its base exists
        recent = Gsi1()

    assert list(Changed.recent.query("CHANGED#2026120708")) == []  # needs gsi1 of the sync table
    assert sync_store.changed_page("2026120708", 25, None) == ([], None)
    assert list(DossiersTable.query("DOSSIER#none")) == []


def test_a_reset_forgets_every_item_types_connection(sync_table: None) -> None:
    sync_store.changed_page("2026120708", 25, None)
    assert sync_store.ChangedItem._connection is not None
    reset_connections()
    assert sync_store.ChangedItem._connection is None and SyncItem._connection is None
