"""Specialised software (phần mềm chuyên ngành, SPEC §7.3, guide 7753 §6): deep-domain software
(land, tax, insurance…) that processes some procedures' dossiers in its own process — a mirror
of hoso's (same steps, statuses, branches and end points) — and calls hoso back on every change:

- ``POST /v1/specialised/dossiers/{code}/status``: it took an action of the dossier's process
  (the dossier moves through ``services.dossiers.system_act``: the process decides, the audit
  trail records it, DVCQG gets the step);
- ``POST /v1/specialised/dossiers/{code}/results``: it delivers result documents (stored in the
  results bucket, attached through ``services.dossiers.record``).

Authentication and scope as every integration client (``chalicelib.auth``: per-client
credentials, scoped to procedures). Every report carries the software's ``event_id``: the same
report again is answered as the first time (``replayed``) and changes nothing; another report
under a used id is refused.

hoso hands each dossier of those procedures to its software once it is received (``push``,
run by the ``dossier_changes`` function on every dossier change signal, after the flows).

- ``reports`` — the reports' shapes and the rules that decide whether one fits the dossier (pure);
- ``events`` — the ``event_id`` records (DynamoDB);
- ``service`` — the two use cases;
- ``push`` — the hand-over of a dossier to its software.
"""
