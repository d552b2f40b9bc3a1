"""Officers' notifications (FR-20): reminders of new work and of steps and dossiers near or
past their deadline, in-app (``/v1/me/notifications``) and by e-mail/SMS.

- :mod:`.reminders` — pure rules: which reminder, for whom, in which words;
- :mod:`.store` — notifications, once-markers and contact preferences in the dossiers table;
- :mod:`.gateway` — the e-mail/SMS gateway adapter;
- :mod:`.sweep` — the ``deadline_sweep`` schedule that ties them together;
- :mod:`.counters` — the unit's "Việc cần làm" counters a dossier counts in (kept in each
  dossier's transaction by ``chalicelib.store.dossiers``).
"""
