"""``make test``'s runner: every test suite in its own pytest process, several at a time.

    python -m tests.suites --jobs 3 --record build/aws-calls --webapp SUITE...

Each SUITE is a folder under tests/ run as one pytest process; a suite nested in another one
given (tests/e2e/web in tests/e2e) is left out of the outer one (``--ignore``), so every test
still runs exactly once. The suites start in the order given (longest first keeps the run
short) on ``--jobs`` workers; most of their time is spent waiting on a local stack, a browser
or a poll, not computing, so a 2-core machine runs three at once well. ``--webapp`` adds the
web app's own checks (vitest, the generated API types) as one more job.

What the suites share is made once before they start, so that no two of them build it at the
same time: the web app's build (``local.webapp.ensure_built``) and the synthesised template
of the dev stage (``local.stack.ensure_template``). Each suite's output goes whole to
``build/test-logs/<suite>.log`` and is printed in the order given once all are done, each
under a header with its result, wall time and CPU time (user + system, its child processes
included); a line is printed as each suite ends. With ``--record DIR`` every suite records
the AWS calls of hoso's functions there (HOSO_RECORD_AWS_CALLS; one file per process, see
local/aws_calls.py) and ``python -m infra.iam_check DIR`` runs after the suites. The exit
code is 1 if any suite or the IAM check failed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
LOG_DIR = REPO_ROOT / "build" / "test-logs"
WEBAPP = "webapp"


@dataclass
class Job:
    name: str
    commands: list[list[str]]
    cwd: Path = REPO_ROOT
    log: Path = field(init=False)
    passed: bool | None = None
    wall: float = 0.0
    cpu: float = 0.0

    def __post_init__(self) -> None:
        self.log = LOG_DIR / (self.name.strip("/").replace("/", "-") + ".log")


def pytest_jobs(suites: list[str]) -> list[Job]:
    """One pytest process per suite; a suite inside another given suite is run on its own."""
    jobs = []
    for suite in suites:
        inner = [s for s in suites if s != suite and Path(s).is_relative_to(suite)]
        command = [sys.executable, "-m", "pytest", suite, "--durations=15", *(f"--ignore={s}" for s in inner)]
        jobs.append(Job(suite.rstrip("/"), [command]))
    return jobs


def webapp_job() -> Job:
    npm = shutil.which("npm") or "npm"
    return Job(WEBAPP, [[npm, "test", "--silent"], [npm, "run", "--silent", "api-types:check"]],
               cwd=REPO_ROOT / "webapp")


def run(job: Job, env: dict[str, str]) -> None:
    """Run the job's commands one after the other (stopping at the first failure), its
    output to its log; wall and CPU time (from wait4: the process and its reaped children)."""
    start = time.monotonic()
    with job.log.open("w", encoding="utf-8") as out:
        for command in job.commands:
            out.write(f"$ {' '.join(command)}\n")
            out.flush()
            process = subprocess.Popen(command, cwd=job.cwd, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
            job.cpu += usage.ru_utime + usage.ru_stime
            if process.returncode != 0:
                job.passed = False
                break
        else:
            job.passed = True
    job.wall = time.monotonic() - start


def run_all(jobs: list[Job], workers: int, env: dict[str, str]) -> None:
    """Start the jobs in their order on ``workers`` threads; print a line as each ends."""
    pending = list(jobs)
    lock = threading.Lock()
    started = time.monotonic()

    def worker() -> None:
        while True:
            with lock:
                if not pending:
                    return
                job = pending.pop(0)
                print(f"   start  {job.name}", flush=True)
            run(job, env)
            with lock:
                print(f"   {'passed' if job.passed else 'FAILED':6} {job.name} in {job.wall:.0f} s "
                      f"(CPU {job.cpu:.0f} s) at +{time.monotonic() - started:.0f} s", flush=True)

    threads = [threading.Thread(target=worker) for _ in range(max(1, workers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def prepare() -> None:
    """Build what the suites share once, before any starts (two suites must not build it at once)."""
    from local.stack import ensure_template
    from local.webapp import ensure_built

    ensure_built()
    ensure_template("dev")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("suites", nargs="+", help="test folders, each run as one pytest process, longest first")
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("HOSO_TEST_JOBS", "3")),
                        help="suites run at once (HOSO_TEST_JOBS; default 3)")
    parser.add_argument("--record", type=Path, help="record the AWS calls here and check them against the roles")
    parser.add_argument("--webapp", action="store_true", help="run the web app's vitest and API-types checks too")
    args = parser.parse_args(argv)

    began = time.monotonic()
    shutil.rmtree(LOG_DIR, ignore_errors=True)
    LOG_DIR.mkdir(parents=True)
    env = dict(os.environ)
    if args.record:
        shutil.rmtree(args.record, ignore_errors=True)
        env["HOSO_RECORD_AWS_CALLS"] = str(args.record.resolve())

    print("== preparing: the web app's build and the dev stage's template (shared by the suites)", flush=True)
    prepared = time.monotonic()
    prepare()
    print(f"   done in {time.monotonic() - prepared:.0f} s", flush=True)

    jobs = pytest_jobs(args.suites)
    if args.webapp:
        jobs.append(webapp_job())
    print(f"== running {len(jobs)} suites, {args.jobs} at a time", flush=True)
    run_all(jobs, args.jobs, env)

    for job in jobs:
        print(f"\n== {job.name}: {'passed' if job.passed else 'FAILED'} in {job.wall:.0f} s (CPU {job.cpu:.0f} s)")
        print(job.log.read_text(encoding="utf-8", errors="replace").rstrip(), flush=True)

    failed = [job.name for job in jobs if not job.passed]
    if args.record:
        print("\n== IAM: every recorded AWS call against its function's role", flush=True)
        check = [sys.executable, "-m", "infra.iam_check", str(args.record)]
        if subprocess.run(check, cwd=REPO_ROOT, check=False).returncode:  # noqa: S603
            failed.append("iam-check")

    slowest = sorted(jobs, key=lambda j: j.wall, reverse=True)
    print(f"\n== {len(jobs)} suites in {time.monotonic() - began:.0f} s ({args.jobs} at a time); "
          f"CPU {sum(j.cpu for j in jobs):.0f} s; slowest: "
          + ", ".join(f"{j.name} {j.wall:.0f} s" for j in slowest[:5]))
    if failed:
        print("failed: " + " ".join(failed))
        return 1
    print("all passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
