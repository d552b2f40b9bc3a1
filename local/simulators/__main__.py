"""``python -m local.simulators``: run every simulator in the foreground until Ctrl-C
(for trying them out against a hoso started separately)."""

from __future__ import annotations

import os
import sys
import threading

from local.simulators import PortBusyError, start_simulators


def main() -> int:
    try:
        servers = start_simulators(os.environ)
    except (PortBusyError, ValueError) as exc:
        print(exc, file=sys.stderr)
        return 1
    for server in servers:
        print(f"{server.name:<12} {server.url}")
    print("Ctrl-C để dừng / to stop")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        for server in servers:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
