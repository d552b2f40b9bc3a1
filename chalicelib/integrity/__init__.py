"""Tamper evidence (issue 15): hash chains over every dossier's audit trail and over the
personal-data access log, anchored daily (docs/integrity.md).

- :mod:`.canonical`: the ONE canonical JSON form that is hashed, and the link hash of an event.
- :mod:`.chain`: pure verification of a chain — names what is wrong (changed, missing, reordered
  event; head mismatch) with a stable code and a Vietnamese message.
- :mod:`.index`: the day index (which chains changed on a day), written in the changes' transactions.
- :mod:`.merkle`, :mod:`.anchor`: the daily anchor — Merkle root over the day's heads, RFC 3161 token,
  stored in the results bucket; checking a chain's head against an anchored day.
- :mod:`.service`: reads a dossier's chain from the store and verifies it (admin API, dossier page).
- :mod:`.verify`: the operator command, ``python -m chalicelib.integrity.verify <code>``.
- :mod:`.seal`: the operator's backfill that seals a dossier's events written before chaining.
- :mod:`.printed`: the verification report as a PDF for an inspector.
"""
