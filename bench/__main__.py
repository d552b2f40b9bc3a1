"""``python -m bench`` (``make bench``): every figure beside its target, and ``build/bench.json``.

The local stack's own output (the app's JSON logs, metrics, the servers' access lines) goes to
``build/bench.log``; the terminal gets the progress of the run and the table.
``python -m bench cost``: the two priced lifecycles only (to measure a cost lever)."""

from __future__ import annotations

import logging
import os
import sys
import time

from bench.runner import log_path, run, table, write


def main() -> int:
    logging.getLogger().setLevel(logging.WARNING)
    path = log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    terminal = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    started = time.monotonic()

    def progress(message: str) -> None:
        print(f"[{time.monotonic() - started:6.0f} s] {message}", file=terminal)

    sys.stdout.flush()
    sys.stderr.flush()
    with path.open("w", encoding="utf-8") as log:
        saved = os.dup(1), os.dup(2)
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        try:
            report = run(progress, only_cost=sys.argv[1:] == ["cost"])
        except BaseException:
            progress(f"failed: see {path}")
            raise
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
    print(table(report), file=terminal)
    print(f"\nwritten: {write(report)} (the stack's logs: {path})", file=terminal)
    return 0


if __name__ == "__main__":
    sys.exit(main())
