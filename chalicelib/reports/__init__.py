"""Reports and statistics (FR-23…25, 27) from aggregates kept in the counters table."""
