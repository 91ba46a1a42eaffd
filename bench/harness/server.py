"""Starting and stopping gunicorn (the project's gunicorn.conf.py, 2 workers) on a free local port."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(*, env: dict, workdir: Path, workers: int = 2):
    """Run gunicorn until the block ends; yields the port. Its output goes to workdir/gunicorn.log."""
    port = free_port()
    server_env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers)}
    log = (workdir / "gunicorn.log").open("w")
    command = [sys.executable, "-m", "gunicorn", "shop.wsgi:application", "--config", str(ROOT / "gunicorn.conf.py")]
    process = subprocess.Popen(command, cwd=ROOT, env=server_env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        _wait_ready(port, process)
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _wait_ready(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}; see its log in bench/out/")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/live", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer /health/live within a minute")


def server_environment(base: dict) -> dict:
    """What the server process inherits: the bench environment plus the project root on the path."""
    path = os.pathsep.join(filter(None, (str(ROOT), base.get("PYTHONPATH", ""))))
    return {**base, "PYTHONPATH": path}
