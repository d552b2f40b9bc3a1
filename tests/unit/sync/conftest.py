"""Unit tests of the sync: pure mapping and decisions, no AWS."""
