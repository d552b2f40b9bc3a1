"""Liên thông flows (SPEC §3.5, §7.3; seed 000 §I): a chain of steps across agencies, run by
Step Functions (``state_machines/``), each step handed over with a task token, results gathered
on the parent dossier at the desk that returns them, every step synced.

- ``chains`` — which flows exist, their steps, agencies, procedures and deadlines (data);
  ``lien_thong_process.json`` — the process a liên thông parent dossier follows;
- ``model`` — execution name and input, limits, task and flow records (pure);
- ``start`` — start a parent's flow (idempotent, execution named after the dossier);
- ``adapter`` — the ``agency_tasks`` function: hand-overs (``children`` for hoso's own units,
  ``agencies`` for other agencies' systems), supplement waits, escalations, completion;
- ``hooks`` — dossier changes that move flows on (child finished, supplement back, withdrawal);
- ``callbacks`` — ``POST /v1/flows/callback`` from other agencies' systems;
- ``answers`` / ``tasks`` — answering a task exactly once, recorded on the parent first;
- ``operations`` — operators' view and decisions (retry, skip, abort);
- ``parent`` — everything a flow does to the parent dossier, through ``services.dossiers``;
- ``store`` / ``sfn`` — the flows' DynamoDB items and the Step Functions calls;
- ``handler`` — the Chalice blueprint declaring the ``agency_tasks`` function (task tokens);
- ``changes`` — the ``dossier_changes`` function: the outbox relay's events → ``hooks``.
"""
