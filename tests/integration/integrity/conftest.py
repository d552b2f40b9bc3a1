"""Tamper evidence against moto (in-process): the reports tier's world — fresh tables per test, the
demo catalogue, desk intake and actions through the services' real transactions — with the results
bucket under Object Lock (as infra makes it: the anchors are put with their own retention)."""

from collections.abc import Iterator

import boto3
import pytest

from tests.integration.reports.conftest import REGION, World, sims, world  # noqa: F401 — shared fixtures

RESULTS = "hoso-dev-results"


@pytest.fixture(autouse=True)
def locked_results(world: World) -> Iterator[None]:  # noqa: F811 — the fixture above
    s3 = boto3.client("s3", region_name=REGION)
    s3.delete_bucket(Bucket=RESULTS)
    s3.create_bucket(Bucket=RESULTS, CreateBucketConfiguration={"LocationConstraint": REGION},
                     ObjectLockEnabledForBucket=True)
    yield
