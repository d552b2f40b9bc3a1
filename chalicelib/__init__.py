"""hoso — the ministry-level administrative-procedure dossier system (HTTT GQTTHC cấp bộ)."""
