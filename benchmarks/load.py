"""Over HTTP, against gunicorn on 127.0.0.1: a mixed load of the main pages beside a trivial view in the same
run, and a large upload streamed through the real evidence form while the workers' memory is watched.

Everything here talks only to the loopback server it started, sends a bounded number of requests within a
bounded time, and stops the server when done.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from .measure import summarise

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(env: dict, *, workers: int, root: Path, log_path: Path):
    """Start gunicorn on a free loopback port with `workers` sync workers; yield (port, master pid)."""
    port = free_port()
    log = open(log_path, "ab")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "300",
            "--log-level",
            "warning",
        ],
        cwd=root,
        env=env,
        stdout=log,
        stderr=log,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start; see {log_path}")
            try:
                status, _, _ = request(port, "GET", "/accounts/login/")
                if status == 200 and len(worker_pids(process.pid)) >= workers:
                    break
            except OSError:
                pass
            time.sleep(0.3)
        else:
            raise RuntimeError(f"gunicorn did not answer within 60 s; see {log_path}")
        yield port, process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def worker_pids(master_pid: int) -> list[int]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    if not children.exists():
        return []
    return [int(pid) for pid in children.read_text().split()]


def request(port: int, method: str, path: str, *, body=None, headers=None, timeout: float = 120):
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        return response.status, dict(response.getheaders()), data
    finally:
        connection.close()


class Session:
    """A signed-in person: the cookies the server set, sent back with every request."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def _cookie_header(self) -> dict:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}

    def _keep(self, headers: dict) -> None:
        for key, value in headers.items():
            if key.lower() == "set-cookie":
                for morsel in SimpleCookie(value).values():
                    self.cookies[morsel.key] = morsel.value

    def get(self, path: str):
        status, headers, data = request(self.port, "GET", path, headers=self._cookie_header())
        self._keep(headers)
        return status, data

    def post(self, path: str, fields: dict, *, body=None, content_type=None, length=None):
        headers = {**self._cookie_header(), "Referer": f"http://{HOST}:{self.port}{path}"}
        if body is None:
            body = urlencode(fields, doseq=True).encode()
            content_type = "application/x-www-form-urlencoded"
        headers["Content-Type"] = content_type
        if length is not None:
            headers["Content-Length"] = str(length)
        status, response_headers, data = request(self.port, "POST", path, body=body, headers=headers, timeout=600)
        self._keep(response_headers)
        return status, response_headers, data

    def login(self, email: str, password: str) -> None:
        status, page = self.get("/accounts/login/")
        token = _csrf_field(page)
        status, headers, _ = self.post(
            "/accounts/login/", {"login": email, "password": password, "csrfmiddlewaretoken": token}
        )
        if status != 302:
            raise RuntimeError(f"could not sign in as {email} (status {status})")


def _csrf_field(page: bytes) -> str:
    found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if not found:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1).decode()


def run_load(targets: list[tuple[Session, str]], *, concurrency: int, max_requests: int, max_seconds: float) -> dict:
    """Send GETs round-robin over `targets` from `concurrency` threads until max_requests or max_seconds."""
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    counter = {"next": 0}
    deadline = time.monotonic() + max_seconds

    def worker() -> None:
        while time.monotonic() < deadline:
            with lock:
                index = counter["next"]
                if index >= max_requests:
                    return
                counter["next"] += 1
            session, path = targets[index % len(targets)]
            started = time.perf_counter()
            try:
                status, _ = session.get(path)
            except OSError as error:
                with lock:
                    errors.append(str(error))
                continue
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                if status != 200:
                    errors.append(f"{path}: {status}")

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max_seconds + 120)
    wall = time.perf_counter() - started
    result = {"requests": len(latencies), "seconds": round(wall, 2), "errors": len(errors)}
    result["requests_per_second"] = round(len(latencies) / wall, 1) if wall else 0.0
    if latencies:
        result.update(summarise(latencies))
    if errors:
        result["first_errors"] = errors[:5]
    return result


# --- Upload --------------------------------------------------------------------------------------------------


def _rss_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _reset_peak(pid: int) -> bool:
    """Linux: writing 5 to clear_refs resets the peak resident set size (VmHWM) to the current size."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _video_chunks(total: int, chunk: int = 1024 * 1024):
    """An MP4-shaped file of `total` bytes (ftyp box, then one mdat box), generated as it is sent."""
    ftyp = (24).to_bytes(4, "big") + b"ftypisom" + b"\0\0\0\x01" + b"isommp41"
    mdat_size = total - len(ftyp)
    yield ftyp + mdat_size.to_bytes(4, "big") + b"mdat"
    remaining = mdat_size - 8
    block = bytes(range(256)) * (chunk // 256)
    while remaining > 0:
        piece = block[: min(chunk, remaining)]
        remaining -= len(piece)
        yield piece


def upload(session: Session, *, registration_id: int, megabytes: int, master_pid: int, method_id: int) -> dict:
    """Stream one file of `megabytes` MB through the evidence form, timing it and watching the workers' memory."""
    form_path = f"/portfolio/registrations/{registration_id}/portfolio/evidence/new/"
    status, page = session.get(form_path)
    if status != 200:
        raise RuntimeError(f"the evidence form answered {status}")
    fields = {
        "csrfmiddlewaretoken": _csrf_field(page),
        "title": "Video of a customer conversation",
        "date": time.strftime("%Y-%m-%d"),
        "description": "",
        "methods": str(method_id),
        "submission_token": re.search(rb'name="submission_token" value="([^"]+)"', page).group(1).decode(),
    }
    boundary = uuid.uuid4().hex
    head = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    )
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="conversation.mp4"\r\n'
        "Content-Type: video/mp4\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    size = megabytes * 1024 * 1024

    def body():
        yield head
        yield from _video_chunks(size)
        yield tail

    workers = worker_pids(master_pid)
    idle = {pid: _rss_kb(pid, "VmRSS") for pid in workers}
    peaks_reset = all(_reset_peak(pid) for pid in workers)
    started = time.perf_counter()
    status, headers, _ = session.post(
        form_path,
        {},
        body=body(),
        content_type=f"multipart/form-data; boundary={boundary}",
        length=len(head) + size + len(tail),
    )
    elapsed = time.perf_counter() - started
    peaks = {pid: _rss_kb(pid, "VmHWM") for pid in workers}
    growth = max(peaks[pid] - idle[pid] for pid in workers)
    location = headers.get("Location", "")
    return {
        "megabytes": megabytes,
        "status": status,
        "accepted": status == 302 and "/link/" in location,
        "seconds": round(elapsed, 2),
        "megabytes_per_second": round(megabytes / elapsed, 1),
        "worker_idle_rss_mb": round(max(idle.values()) / 1024, 1),
        "worker_peak_rss_mb": round(max(peaks.values()) / 1024, 1),
        "peak_above_idle_mb": round(growth / 1024, 1),
        "peak_measure": "VmHWM after reset (clear_refs)" if peaks_reset else "VmHWM since worker start",
    }


def environment_for(base: dict, **extra) -> dict:
    env = {k: v for k, v in base.items() if not k.startswith("PYTEST")}
    env.update({k: str(v) for k, v in extra.items()})
    return env


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


# --- wrk ---------------------------------------------------------------------------------------------------

_WRK_SCRIPT = """
local targets = {%(targets)s}
local counter = 0
request = function()
  counter = counter + 1
  local target = targets[(counter %% #targets) + 1]
  return wrk.format("GET", target[1], {["Cookie"] = target[2]})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK_JSON {\\"requests\\": %%d, \\"duration_us\\": %%d, \\"p50_us\\": %%d, " ..
    "\\"p95_us\\": %%d, \\"max_us\\": %%d, \\"status_errors\\": %%d, \\"socket_errors\\": %%d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency.max,
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def run_wrk(
    port: int, targets: list[tuple[Session, str]], *, connections: int, seconds: float, script_dir: Path
) -> dict:
    """The same load with wrk (C, event-driven): the client takes little of the CPU the server needs."""
    import json
    import shutil

    def lua(text: str) -> str:
        return '"' + text.replace("\\\\", "\\\\\\\\").replace('"', '\\\\"') + '"'

    entries = ", ".join(
        "{" + lua(path) + ", " + lua("; ".join(f"{k}={v}" for k, v in session.cookies.items())) + "}"
        for session, path in targets
    )
    script = script_dir / f"wrk-{uuid.uuid4().hex}.lua"
    script.write_text(_WRK_SCRIPT % {"targets": entries})
    try:
        completed = subprocess.run(
            [
                shutil.which("wrk"),
                "-t",
                "1",
                "-c",
                str(connections),
                "-d",
                f"{max(1, int(seconds))}s",
                "--timeout",
                "10s",
                "-s",
                str(script),
                f"http://{HOST}:{port}/",
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=True,
        )
    finally:
        script.unlink(missing_ok=True)
    line = next(line for line in completed.stdout.splitlines() if line.startswith("WRK_JSON "))
    raw = json.loads(line.removeprefix("WRK_JSON "))
    wall = raw["duration_us"] / 1e6
    return {
        "requests": raw["requests"],
        "seconds": round(wall, 2),
        "requests_per_second": round(raw["requests"] / wall, 1) if wall else 0.0,
        "median_ms": round(raw["p50_us"] / 1000, 2),
        "p95_ms": round(raw["p95_us"] / 1000, 2),
        "max_ms": round(raw["max_us"] / 1000, 2),
        "errors": raw["status_errors"] + raw["socket_errors"],
    }
