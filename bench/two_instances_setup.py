"""The set-up of the two-instance run: its environment and processes, all on one PostgreSQL database and one
Redis database: two gunicorn instances (bench/harness/server.py, each with its own log), a Celery worker and
Celery beat. Everything the instances must share is shared as in production, except media: object storage
(MEDIA_STORAGE=s3) needs a network service, and moto's in-process S3 cannot be shared between processes, so
the instances share one MEDIA_ROOT directory instead, as machines would share a mounted volume.
"""

import contextlib
import signal
import subprocess
import sys
import time
from pathlib import Path

import redis

from bench.harness.database import environment
from bench.harness.server import ROOT, gunicorn, server_environment

LOGIN_FAILURE_LIMIT = 5  # failed logins of one account from one address before the lock-out
AUTH_RATE = 8  # logins per minute and address (THROTTLE_AUTH)
IMPORT_SYNC_MAX_ROWS = 10  # files over this many rows are previewed and imported by the worker


def cluster_environment(*, url: str, redis_url: str, workdir: Path) -> dict:
    """Production settings (bench/harness/database.py: DEBUG off, HTTPS off, a throwaway SECRET_KEY the same for
    every process) plus Redis for cache, throttles, import files and broker, a shared MEDIA_ROOT, one
    X-Forwarded-For hop trusted so each simulated client has its own address, and small limits to reach."""
    env = environment(url=url, workdir=workdir, settings_module="shop.settings")
    env.update(
        REDIS_URL=redis_url,
        CELERY_BROKER_URL=redis_url,
        MEDIA_STORAGE="local",
        MEDIA_ROOT=str(workdir / "media"),
        THROTTLE_CACHE_DIR=str(workdir / "throttle"),
        JOBS_CACHE_DIR=str(workdir / "jobs"),
        CELERY_BEAT_SCHEDULE_FILENAME=str(workdir / "celerybeat-schedule"),
        CELERY_WORKER_CONCURRENCY="1",
        GUNICORN_ACCESSLOG="-",
        NUM_PROXIES="1",
        THROTTLE_AUTH=f"{AUTH_RATE}/min",
        LOGIN_FAILURE_LIMIT=str(LOGIN_FAILURE_LIMIT),
        IMPORT_SYNC_MAX_ROWS=str(IMPORT_SYNC_MAX_ROWS),
        # Carts hold no stock, so every customer's checkout competes for the scarce units at once.
        CART_RESERVATION_TTL_MINUTES="0",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    return env


def flush_redis(redis_url: str) -> None:
    redis.Redis.from_url(redis_url, socket_connect_timeout=2).flushdb()


@contextlib.contextmanager
def cluster(*, env: dict, workdir: Path):
    """Worker, beat and the two web instances until the block ends; yields {"a": port, "b": port}."""
    server_env = server_environment(env)
    with contextlib.ExitStack() as stack:
        stack.enter_context(celery("worker", env=server_env, workdir=workdir))
        stack.enter_context(celery("beat", env=server_env, workdir=workdir))
        ports = {}
        for name in ("a", "b"):
            folder = workdir / name
            folder.mkdir(exist_ok=True)
            ports[name] = stack.enter_context(gunicorn(env=server_env, workdir=folder))
        yield ports


@contextlib.contextmanager
def celery(kind: str, *, env: dict, workdir: Path):
    """`celery -A shop worker|beat`, its output in workdir/<kind>.log; a worker is waited for until ready."""
    command = [sys.executable, "-m", "celery", "-A", "shop", kind, "--loglevel", "INFO"]
    if kind == "worker":
        command += ["--hostname", "two-instances@%h", "--without-gossip", "--without-mingle"]
    log_path = workdir / f"{kind}.log"
    log = log_path.open("w")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        if kind == "worker":
            _wait_for(log_path, "ready", process)
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _wait_for(log_path: Path, mark: str, process: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{log_path.stem} exited with {process.returncode}; see {log_path}")
        if mark in log_path.read_text(errors="replace"):
            return
        time.sleep(0.5)
    raise SystemExit(f"{log_path.stem} was not {mark} within {timeout:.0f} s; see {log_path}")
