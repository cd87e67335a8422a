"""What every benchmark script shares: percentiles, and the rows it hands to `make bench`.

A script run with `--json-out FILE` writes its results there as a list of rows
`{"benchmark", "measure", "value", "unit", "target", "met"}` (`met` is None where a measure
has no target); `benchmarks/run_all.py` gathers them into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import time
import uuid
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"


def ensure_database(postgres: str, name: str) -> None:
    """Create PostgreSQL database `name` on the server at `postgres` (a URL without a
    database) unless it exists: a fresh machine has none of the benchmarks' own."""
    import psycopg

    with psycopg.connect(f"{postgres}/postgres", autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                              [name]).fetchone() is None:
            connection.execute(f'CREATE DATABASE "{name}"')


def server_environment(var_dir: str, **settings: str) -> dict[str, str]:
    """config.settings in production mode for a benchmark's own server on loopback: plain
    HTTP, no rate limit in the way, the offline renderer and files on disk chosen on purpose
    (pass DATABASE_URL, REDIS_URL, … to use real services)."""
    env = {name: value for name, value in os.environ.items()
           if name not in ("REDIS_URL", "DATABASE_URL", "AWS_ENDPOINT_URL_S3")}
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{var_dir}/bench.sqlite3",
        "ATELIER_QUEUE": "inprocess",
        "ATELIER_STORAGE": "filesystem",
        "ATELIER_OUTPUT_MODERATION": "local-only",
        "ATELIER_VAR_DIR": var_dir,
        "DEBUG": "0",
        "SECRET_KEY": f"bench-{uuid.uuid4().hex}{uuid.uuid4().hex}",
        "ATELIER_HTTPS": "0",
        "ALLOWED_HOSTS": HOST,
        "ATELIER_API_RATE_LIMIT": "10000000",
        "ATELIER_PROVIDER": "local",
        "LOG_LEVEL": "ERROR",
        "PYTHONUNBUFFERED": "1",
    })
    env.update(settings)
    return env


def bedrock_worker_environment(var_dir: str, double_url: str, model_key: str, rpm: int,
                               **settings: str) -> dict[str, str]:
    """config.settings for a benchmark whose jobs run in separate worker processes on Redis
    (REDIS_URL required) against the Bedrock double at `double_url`, `model_key` held to
    `rpm` requests a minute (DATABASE_URL: PostgreSQL if set, else SQLite in `var_dir`)."""
    if not os.environ.get("REDIS_URL"):
        raise SystemExit("REDIS_URL is required: the jobs run on Redis in worker processes")
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", f"sqlite:///{var_dir}/bench.sqlite3")
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "ATELIER_PROVIDER": "bedrock",
        "ATELIER_VAR_DIR": var_dir,
        "ATELIER_QUEUE_NAMESPACE": f"atelier-bench-{uuid.uuid4().hex[:8]}",
        f"ATELIER_MODEL_RPM__{model_key.upper().replace('-', '_').replace('.', '_')}": str(rpm),
        "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": double_url,
        "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_REGION": "us-west-2", "ATELIER_LOG_LEVEL": "WARNING",
    })
    env.update(settings)
    return env


def idle_quota(model_key: str) -> None:
    """Forget the calls the rate limiter logged for `model_key` in this Redis database (a run
    a minute earlier would otherwise still hold part of the window: every run starts, as the
    targets assume, from an idle quota). Call after django.setup()."""
    import redis
    from django.conf import settings

    connection = redis.Redis.from_url(settings.REDIS_URL)
    for key in connection.scan_iter(f"atelier:rpm:{model_key}:*"):
        connection.delete(key)


def wait_for_workers(processes: int, timeout: float = 120.0) -> None:
    """Until `processes` Dramatiq worker processes poll this run's queues (each has signed in
    to the broker's heartbeats): a fixed sleep is too short on a busy machine. Call after
    django.setup()."""
    import time

    import redis
    from django.conf import settings

    namespace = settings.DRAMATIQ_BROKER["OPTIONS"]["namespace"]
    connection = redis.Redis.from_url(settings.REDIS_URL)
    deadline = time.monotonic() + timeout
    while connection.zcard(f"{namespace}:__heartbeats__") < processes:
        if time.monotonic() > deadline:
            raise SystemExit(f"the {processes} worker processes did not start in {timeout:g} s")
        time.sleep(0.2)


def best_ms(call: Callable[[], object], runs: int) -> tuple[float, float]:
    """(best CPU ms, best wall ms) of `runs` calls."""
    cpu, wall = [], []
    for _ in range(runs):
        started_cpu, started = time.process_time(), time.perf_counter()
        call()
        cpu.append(time.process_time() - started_cpu)
        wall.append(time.perf_counter() - started)
    return min(cpu) * 1000, min(wall) * 1000


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (share in 0..1) of a non-empty list."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def add_json_out(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json-out", type=Path, help="also write the results here (make bench)")


def row(benchmark: str, measure: str, value: float, unit: str, target: str = "",
        met: bool | None = None) -> dict[str, Any]:
    return {"benchmark": benchmark, "measure": measure, "value": round(value, 2), "unit": unit,
            "target": target, "met": met}


def emit(path: Path | None, rows: list[dict[str, Any]]) -> None:
    """Print each target's verdict and, with --json-out, write the rows."""
    for item in rows:
        if item["met"] is not None:
            verdict = "MET" if item["met"] else "NOT MET"
            print(f"target {item['measure']} {item['target']}: {verdict} "
                  f"({item['value']} {item['unit']})")
    if path is not None:
        path.write_text(json.dumps(rows, indent=1))


def free_port() -> int:
    """A free TCP port on loopback for a benchmark's own server."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def children(pid: int) -> list[int]:
    """The child processes of `pid` (a server's workers), from /proc."""
    found: list[int] = []
    with suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(child) for child in (task / "children").read_text().split()]
    return found


def status_mb(pid: int, key: str) -> float:
    """A memory figure of /proc/<pid>/status (VmRSS, VmHWM: the peak) in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{key}:"):
            return int(line.split()[1]) / 1024
    return 0.0
