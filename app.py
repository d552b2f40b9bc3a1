"""hoso's Chalice app: wiring only. Routes live in ``chalicelib/api``; the event functions are
declared in their own entry modules (``chalicelib/entry``, ``chalicelib/flows/handler.py``), so each
Lambda function's handler path imports what that function needs and not this app with its routes
(only the API's handler is ``app.app``); the rules they call live in ``chalicelib/domain``.

Event functions' names are the Lambda functions infra declares (infra/access.py); the
queue/stream names in their decorators are resolved to real ARNs by infra."""

from chalice import Chalice

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
from chalicelib.entry import edata as edata_entry
from chalicelib.entry import integrity as integrity_entry
from chalicelib.entry import migration as migration_entry
from chalicelib.entry import outbox as outbox_entry
from chalicelib.entry import payments as payments_entry
from chalicelib.entry import receipts as receipts_entry
from chalicelib.entry import reconcile as reconcile_entry
from chalicelib.entry import specialised as specialised_entry
from chalicelib.entry import sweep as sweep_entry
from chalicelib.entry import sync as sync_entry
from chalicelib.entry import uploads as uploads_entry
from chalicelib.flows import changes as flow_changes
from chalicelib.flows import handler as flow_handler

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

# The event functions, each on its own blueprint (handler path chalicelib.entry.<module>.<function>).
app.register_blueprint(outbox_entry.bp)  # outbox_relay (the dossiers stream)
app.register_blueprint(edata_entry.bp)  # edata_capture (the dossiers stream)
app.register_blueprint(uploads_entry.bp)  # attachment_uploaded (S3 Object Created)
app.register_blueprint(payments_entry.bp)  # reconcile_payments, reconcile_payments_pages
app.register_blueprint(integrity_entry.bp)  # integrity_anchor_day, integrity_anchor_pages
app.register_blueprint(receipts_entry.bp)  # issue_receipts (queue ereceipts)
app.register_blueprint(sync_entry.bp)  # sync_dvcqg, sync_coordinator, sync_province
app.register_blueprint(reconcile_entry.bp)  # reconcile_dvcqg, reconcile_dvcqg_pages
app.register_blueprint(sweep_entry.bp)  # deadline_sweep, deadline_sweep_pages
app.register_blueprint(specialised_entry.bp)  # specialised_watch
app.register_blueprint(migration_entry.bp)  # migration_chunks (queue migration-chunks)
app.register_blueprint(flow_handler.bp)  # agency_tasks (queue agency-tasks), chalicelib/flows/handler.py
app.register_blueprint(flow_changes.bp)  # dossier_changes (queue dossier-changes), chalicelib/flows/changes.py
