"""Every scheduled function of the template runs on the whole stack, fired as EventBridge would
fire it, and succeeds — so the AWS calls of each scheduled job are recorded and checked against
its role like every other function's (``HOSO_RECORD_AWS_CALLS``, ``python -m infra.iam_check``)."""

from __future__ import annotations

from local.stack import LocalStack


def test_every_scheduled_job_runs_on_the_stack(stack: LocalStack) -> None:
    assert stack.provisioned is not None and stack.dispatcher is not None
    scheduled = [spec for spec in stack.provisioned.functions.values() if spec.events_of("Schedule")]
    assert scheduled, "the template has no scheduled function"
    for spec in scheduled:
        outcomes = stack.dispatcher.fire_schedule(spec.logical_id)
        assert outcomes and all(o.ok for o in outcomes), (spec.function_name, [o.error for o in outcomes])
