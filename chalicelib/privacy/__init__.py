"""Access to personal data (Decree 13/2023/NĐ-CP on personal data protection): who looked whom up.

Every look-up in the national population database and every read of a person's e-data store
(list, reuse in a dossier, statistics) is recorded **before** the data is read, in an
append-only table of its own (``hoso-<stage>-accesslog``; the API's role may only put and query
it, the table's resource policy denies every update and delete):

``SUBJECT#<HMAC-SHA256(key, personal number)>`` / ``<ISO time>#<random id>``
    officer (VNeID subject, name), the unit and province they acted in, the dossier or draft
    it served, what was done (:data:`.model.WHAT`) and a short detail (procedure, document
    type). The personal number itself is not stored: the HMAC key is hoso's own secret
    (``access-log-key``), so the table cannot be reversed by trying every number, yet a
    subject's request "who looked at my data" is answered by computing the same HMAC.

Look-ups in the population database are also counted per officer in fixed windows
(``RATE#POP#<sub>#<window>`` in the counters table, conditional update): past the limit the
look-up is refused with 429 ``POPULATION_RATE_LIMITED``.

Administrators answer a subject's request with ``POST /v1/admin/personal-data/accesses``
(the ministry's administrator sees every access, a province's administrator those made in
their province); each such query is itself an access, recorded the same way. The
application logs never carry the personal number (only the officer and what was done).
"""
