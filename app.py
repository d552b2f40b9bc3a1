"""hoso's Chalice app: wiring only. Routes live in ``chalicelib/api``, event handlers'
logic in ``chalicelib/handlers``; the rules they call live in ``chalicelib/domain``.

Event handlers' names are the Lambda functions infra declares (infra/access.py); the
queue/stream names here are resolved to real ARNs by infra."""

from typing import Any
from urllib.parse import unquote

from chalice import Chalice, Cron, Rate

from chalicelib.api import (
    admin,
    assistant,
    catalogue,
    charts,
    competence,
    consultations,
    coordinator,
    docs,
    documents,
    dossiers,
    drafts,
    dvcqg,
    dvcqg_messages,
    edata,
    ereceipts,
    flows,
    health,
    integrity,
    kiosk,
    migration,
    notes,
    notifications,
    operations,
    payments,
    post,
    public,
    reports,
    result_templates,
    specialised,
    specialised_outage,
    uploads,
    variants,
)
from chalicelib.edata import service as edata_service
from chalicelib.ereceipts import records as receipt_records
from chalicelib.ereceipts import service as receipt_service
from chalicelib.flows import handler as flow_handler
from chalicelib.handlers import outbox
from chalicelib.integrity import anchor as integrity_anchor
from chalicelib.jobs import runner as jobs
from chalicelib.migration import runs as migration_runs
from chalicelib.notifications import sweep
from chalicelib.observability import logger, metrics
from chalicelib.payments import service as payment_service
from chalicelib.specialised import watch as specialised_watch_job
from chalicelib.store import uploads as upload_store
from chalicelib.sync import handler as sync_handler
from chalicelib.sync import reconcile as sync_reconcile

app = Chalice(app_name="hoso")

app.register_blueprint(health.bp)
app.register_blueprint(docs.bp)
app.register_blueprint(dvcqg.bp)
app.register_blueprint(dossiers.bp)
app.register_blueprint(catalogue.bp)
app.register_blueprint(admin.bp)
app.register_blueprint(uploads.bp)
app.register_blueprint(documents.bp)
app.register_blueprint(public.bp)
app.register_blueprint(payments.bp)
app.register_blueprint(post.bp)
app.register_blueprint(flows.bp)  # liên thông: agency callbacks, operators' decisions
app.register_blueprint(flow_handler.bp)  # the agency_tasks function (queue agency-tasks)
app.register_blueprint(operations.bp)  # operators: sync ledger per destination, resync, DLQ redrive
app.register_blueprint(edata.bp)  # the applicant's e-data store (FR-28/29)
app.register_blueprint(drafts.bp)  # desk-intake drafts, population auto-fill
app.register_blueprint(notifications.bp)  # officers' reminders
app.register_blueprint(notes.bp)  # an officer's private note on a dossier
app.register_blueprint(specialised.bp)  # specialised software: status and results callbacks (SPEC §7.3)
app.register_blueprint(reports.bp)  # reports, statistics, exports, saved report templates (FR-23…25, 27)
app.register_blueprint(integrity.bp)  # tamper evidence: verify a dossier's hash chain (issue 15)
app.register_blueprint(competence.bp)  # transfer a dossier to the competent unit (issue 17)
app.register_blueprint(dvcqg_messages.bp)  # DVCQG's later messages: supplement, withdrawal, payment (SPEC §7.1)
app.register_blueprint(consultations.bp)  # consultation between units: the consulted unit's side (issue 17)
app.register_blueprint(specialised_outage.bp)  # specialised software down: incidents, continue in hoso (SPEC §6)
app.register_blueprint(coordinator.bp)  # the coordination system: liên thông results of other ministries (§7.7)
app.register_blueprint(ereceipts.bp)  # e-receipts: a dossier's receipts, cancel/replace, reconciliation flags
app.register_blueprint(kiosk.bp)  # self-service kiosks: the device API, the desk taking its drafts, admin (SPEC §7.9)
app.register_blueprint(assistant.bp)  # the officers' virtual assistant (FR-22)
app.register_blueprint(variants.bp)  # locally specific processes: a province proposes, the ministry approves
app.register_blueprint(result_templates.bp)  # result templates: administered, versioned
app.register_blueprint(charts.bp)  # the status transition chart: administered, versioned
app.register_blueprint(migration.bp)  # migration from provincial systems: runs, progress, undo, cut-over (§7.10)


@app.on_dynamodb_record(stream_arn="dossiers", batch_size=100, starting_position="TRIM_HORIZON")
def outbox_relay(event: Any) -> None:
    """Committed transitions (OUTBOX# inserts) → one signal per sync destination queue; pending
    e-receipts (RECEIPT# inserts) → the ereceipts queue."""
    outbox.relay(event.to_dict()["Records"])
    receipt_records.relay(event.to_dict()["Records"])
    metrics.flush_metrics()


@app.on_dynamodb_record(stream_arn="dossiers", batch_size=100, starting_position="TRIM_HORIZON")
def edata_capture(event: Any) -> dict[str, Any]:
    """Issued results, their dossiers' components and refused dossiers → the owners' e-data stores (FR-28/29)."""
    return edata_service.capture(event.to_dict()["Records"])


@app.on_cw_event({"source": ["aws.s3"], "detail-type": ["Object Created"]})
def attachment_uploaded(event: Any) -> None:
    """S3 Object Created on the attachments bucket → check size, SHA-256 and type of the upload."""
    detail = event.detail
    # moto URL-encodes keys in these events; hoso's upload keys never contain '%' or '+'.
    checked = upload_store.inspect(detail["bucket"]["name"], unquote(detail["object"]["key"]))
    if checked is not None:
        logger.info("upload checked", extra={"upload": checked.id, "status": checked.status})


@app.schedule(Cron(0, 18, "*", "*", "?", "*"))  # 01:00 Asia/Ho_Chi_Minh, every day
def reconcile_payments(event: Any) -> None:
    """Plans yesterday's payment reconciliation on its job queue (chalicelib/jobs)."""
    payment_service.reconcile_yesterday()


@app.schedule(Rate(1, unit=Rate.HOURS))
def integrity_anchor_day(event: Any) -> None:
    """Plans each recent day not anchored yet on its job queue (a task per shard), or seals a day whose
    shards are all done (chalicelib/integrity/anchor.py)."""
    integrity_anchor.schedule()


@app.on_sqs_message(queue="job-integrity-anchor", batch_size=10)
def integrity_anchor_pages(event: Any) -> dict[str, Any]:
    """A page of a day's shard of chain heads; the shard's last page stores it, the day's last shard seals
    the day (Merkle root, RFC 3161 token, anchor object under Object Lock)."""
    return jobs.handle_batch(event.to_dict(), integrity_anchor.page)


@app.on_sqs_message(queue="job-reconcile-payments", batch_size=1)
def reconcile_payments_pages(event: Any) -> dict[str, Any]:
    """A page of the day's payments compared with the payment platform; the last page stores the report in S3."""
    return jobs.handle_batch(event.to_dict(), payment_service.reconcile_page)


@app.on_sqs_message(queue="migration-chunks", batch_size=1)
def migration_chunks(event: Any) -> dict[str, Any]:
    """A migration run's chunk (task token from the migration_run map): process_chunk, record, answer."""
    return migration_runs.handle_batch(event.to_dict())


@app.on_sqs_message(queue="ereceipts", batch_size=10)
def issue_receipts(event: Any) -> dict[str, Any]:
    """Pending e-receipts → the unit's provider (idempotent by the receipt's id) → stored, sent to the applicant."""
    return receipt_service.handle_batch(event.to_dict())


@app.on_sqs_message(queue="sync-dvcqg", batch_size=10)
def sync_dvcqg(event: Any) -> dict[str, Any]:
    """Bring each signalled dossier up to date on DVCQG (partial batch failures, backoff)."""
    return sync_handler.handle_batch("dvcqg", event.to_dict(), event.context)


@app.on_sqs_message(queue="sync-coordinator", batch_size=10)
def sync_coordinator(event: Any) -> dict[str, Any]:
    """Bring each signalled dossier up to date on the coordination system."""
    return sync_handler.handle_batch("coordinator", event.to_dict(), event.context)


@app.on_sqs_message(queue="sync-province", batch_size=10)
def sync_province(event: Any) -> dict[str, Any]:
    """Bring each signalled dossier up to date on the provincial system."""
    return sync_handler.handle_batch("province", event.to_dict(), event.context)


@app.schedule(Rate(1, unit=Rate.HOURS))
def reconcile_dvcqg(event: Any) -> None:
    """Plans the DVCQG reconciliation of the last two hours' changes: a task per hour on its job queue."""
    sync_reconcile.schedule()


@app.on_sqs_message(queue="job-reconcile-dvcqg", batch_size=1)
def reconcile_dvcqg_pages(event: Any) -> dict[str, Any]:
    """A page of recently changed dossiers compared with DVCQG (TraCuuHoSo); drift re-synced."""
    return jobs.handle_batch(event.to_dict(), sync_reconcile.page)


@app.schedule(Rate(15, unit=Rate.MINUTES))
def deadline_sweep(event: Any) -> None:
    """Plans the deadline sweep: a task per unit on its job queue."""
    sweep.schedule()


@app.on_sqs_message(queue="job-deadline-sweep", batch_size=10)
def deadline_sweep_pages(event: Any) -> dict[str, Any]:
    """A page of a unit's near-due and overdue steps and dossiers → officers' reminders (in-app, e-mail, SMS)."""
    return jobs.handle_batch(event.to_dict(), sweep.page)


@app.schedule(Rate(5, unit=Rate.MINUTES))
def specialised_watch(event: Any) -> None:
    """Specialised software's outages: probe, catch up, silence (chalicelib/specialised/watch.py)."""
    specialised_watch_job.run()
