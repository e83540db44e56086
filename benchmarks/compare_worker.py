"""One side of `manage.py benchmark_compare`: a process running one version of the code against the shared
database, answering "time this page" requests from the command, one JSON line in and one out.

The command runs this file's source with `python -c` in the version's own folder, so every import below (Django
and the project) comes from that version. It therefore uses Django's public API only, never the project's own
modules, which may differ between the two versions.

In: a first line {"pages": {name: [user id, url]}}; then lines {"page": name, "requests": n}.
Out: {"ready": true} (or {"error": ...}) once every page answered 200 three times; then, for each request line,
{"cpu_ms": ..., "wall_ms": ...}: the medians of this process's CPU time and the wall time of n requests."""

import json
import statistics
import sys
import time


def main() -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    pages = json.loads(sys.stdin.readline())["pages"]
    users = get_user_model().objects.in_bulk({user_id for user_id, _ in pages.values()})
    clients = {}
    for name, (user_id, url) in pages.items():
        if user_id not in clients:
            clients[user_id] = Client()
            clients[user_id].force_login(users[user_id])
        for _ in range(3):  # warm-up: templates loaded, reads compiled, statements prepared
            status = clients[user_id].get(url).status_code
            if status != 200:
                _say({"error": f"{name} ({url}) answered {status}"})
                return
    _say({"ready": True})
    for line in sys.stdin:
        asked = json.loads(line)
        user_id, url = pages[asked["page"]]
        client = clients[user_id]
        cpu, wall = [], []
        for _ in range(asked["requests"]):
            started, started_cpu = time.perf_counter(), time.process_time()
            client.get(url)
            cpu.append((time.process_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
        _say({"cpu_ms": statistics.median(cpu), "wall_ms": statistics.median(wall)})


def _say(message: dict) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
