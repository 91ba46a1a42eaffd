"""Running wrk against a request file and reading its JSON summary (printed by bench/lua/requests.lua)."""

import http.client
import json
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

LUA = Path(__file__).resolve().parent.parent / "lua" / "requests.lua"


@dataclass
class Request:
    method: str
    path: str
    body: str = ""
    headers: dict = field(default_factory=dict)

    def line(self) -> str:
        headers = "\t".join(f"{name}: {value}" for name, value in self.headers.items())
        return "\t".join(filter(None, (self.method, self.path, self.body or "-", headers)))


@dataclass
class Measurement:
    requests: int = 0
    seconds: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    errors: int = 0
    statuses: dict = field(default_factory=dict)
    note: str = ""  # instead of a measurement (e.g. "missing (HTTP 404)")
    warning: str = ""  # beside a measurement (e.g. the fresh carts ran out: the rate is a lower bound)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def ensure_wrk() -> str:
    """The wrk binary; installed with apt-get (Debian package `wrk`) when missing and we are root."""
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk is missing: trying `apt-get install -y wrk` (Debian package)...")
    install = "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk"
    subprocess.run(["sh", "-c", install], check=False)  # noqa: S603, S607 - fixed command
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is not installed and could not be installed: run `sudo apt-get install wrk`.")
    return found


def probe(port: int, request: Request) -> int:
    """Send one request; its status (0 when the connection fails)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(request.method, request.path, body=request.body or None, headers=request.headers)
        response = connection.getresponse()
        response.read()
        return response.status
    except OSError:
        return 0
    finally:
        connection.close()


def run_wrk(
    *, port: int, requests: list[Request], mode: str, duration: float, connections: int, workdir: Path, name: str
) -> Measurement:
    """Replay `requests` for `duration` seconds; `mode` "once" uses each request at most once."""
    threads = 1
    request_file = workdir / f"{name}.requests"
    request_file.write_text("\n".join(r.line() for r in requests) + "\n")
    command = [
        ensure_wrk(), f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration))}s", "--timeout", "10s",
        "-s", str(LUA), f"http://127.0.0.1:{port}", "--", str(request_file), mode, str(threads),
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 - our own argv
    (workdir / f"{name}.wrk.txt").write_text(result.stdout + result.stderr)
    return parse(result.stdout)


def parse(output: str) -> Measurement:
    for line in output.splitlines():
        if line.startswith("BENCH_JSON "):
            data = json.loads(line.removeprefix("BENCH_JSON "))
            statuses = {int(code): count for code, count in data["statuses"].items()}
            bad = sum(count for code, count in statuses.items() if code >= 400)
            return Measurement(
                requests=data["requests"],
                seconds=data["duration_us"] / 1e6,
                p50_ms=data["p50_us"] / 1000,
                p99_ms=data["p99_us"] / 1000,
                errors=data["socket_errors"] + bad,
                statuses=statuses,
            )
    return Measurement(note="wrk printed no summary")
