"""Tamper evidence (issue 15): hash chains over every dossier's audit trail and over the
personal-data access log, anchored daily (docs/integrity.md).

- :mod:`.canonical`: the ONE canonical JSON form that is hashed, and the link hash of an event.
- :mod:`.chain`: pure verification of a chain — names what is wrong (changed, missing, reordered
  event; head mismatch) with a stable code and a Vietnamese message.
- :mod:`.service`: reads a dossier's chain from the store and verifies it (admin API, dossier page).
- :mod:`.verify`: the operator command, ``python -m chalicelib.integrity.verify <code>``.
"""
