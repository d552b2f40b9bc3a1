"""Scheduled jobs that scale: a schedule only enqueues work items, a worker walks each one page
by page (see ``chalicelib.jobs.runner``)."""
