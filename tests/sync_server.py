"""A fork server for the kill test: starts `pipeline sync` processes without interpreter start-up.

Run as ``python tests/sync_server.py``. It imports the pipeline once, then for each project
folder read from stdin forks a child that runs ``pipeline --root FOLDER -q sync`` (the CLI's
``main``, exactly as the console script does) and prints the child's pid; when the child
ends (finished or killed) it prints ``exit <status>``. Forking from a warm process makes each
run start in microseconds instead of the ~0.3 s an interpreter needs to import everything,
so 50 kills fit in a test suite, and the kill moments fall inside the run's own work.
"""

from __future__ import annotations

import io
import os
import sys

from pipeline.cli.main import main


def serve() -> None:
    for line in sys.stdin:
        root = line.strip()
        if not root:
            continue
        pid = os.fork()
        if pid == 0:  # child: the run under test
            code = 1
            try:
                code = main(["--root", root, "-q", "sync"], out=io.StringIO(), err=io.StringIO())
            finally:
                os._exit(code)
        print(pid, flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"exit {status}", flush=True)


if __name__ == "__main__":
    serve()
