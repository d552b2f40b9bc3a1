"""Migration from provincial systems (SPEC §7.10, docs/migration.md): the old system's dossiers, exported as
JSON Lines chunks in S3 with their mapping tables, validated, imported idempotently by the old code and
reconciled (``service.process_chunk``); ``python -m chalicelib.migration`` runs it from an operator's shell."""
