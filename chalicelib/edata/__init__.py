"""The e-data store of organisations and citizens (Kho quản lý dữ liệu điện tử của tổ chức và
cá nhân, FR-28/29, Decree 45/2020/NĐ-CP art. 16).

Every owner — a citizen by their 12-digit personal number, an organisation by its enterprise
or tax code — has one partition in the dossiers table, read by key (never a Scan):

``EDATA#<owner>`` / ``DOC#<document type>#<item id>``
    a stored document: a result issued to the owner, or a component of one of their dossiers
    (``MaThanhPhanHoSo`` is the document type), with where its bytes are (bucket, key,
    SHA-256), the dossier it came from, how often it was reused and until when it is kept.
    The item id is derived from (dossier code, document id), so storing the same document
    again — a redelivered stream record, a new signature on a result — updates it in place.
``EDATA#<owner>`` / ``REFUSED#<dossier code>``
    a dossier refused at intake or refused after appraisal, kept with its reason and its
    documents (FR-29.2).

How documents get there (:mod:`.service`, ``capture``): a consumer of the dossiers table's
stream reads each committed audit event (the ``OUTBOX#`` inserts); when a dossier reaches
"processed" or "delivered" (or its result is signed there) its current results and
submitted components are stored; when it is refused, the refusal is kept.

Reuse: an officer whose unit is handling a new dossier of the same owner (while it is being
received or processed) lists the owner's documents of the types that dossier's procedure asks
for — no others — and attaches one (the bytes are copied to the dossier's own attachments, the dossier records it
in its audit trail, the stored document counts the reuse). Statistics per owner (documents,
bytes, reuses by type) are computed from the owner's partition. Every list, reuse and statistics
read is recorded first in the access log of personal data (:mod:`chalicelib.privacy`).

Retention (:data:`.model.RETENTION`, FR-18.8 "according to the archives law and the sector's
law" — the ministry's defaults, changed there):

* results: at least 10 years, the Object Lock retention of the results bucket; never expired
  by the table (destruction follows an archives appraisal, not a timer);
* reusable components: 5 years from when they were stored or last reused, then the index item
  expires through the table's TTL (``expires_at``); the dossier keeps its own copy;
* refused dossiers: 5 years from the refusal, TTL.
"""
