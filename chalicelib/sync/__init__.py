"""Sync of dossiers to DVCQG, the coordination system and the provincial systems (SPEC §7.2)."""
