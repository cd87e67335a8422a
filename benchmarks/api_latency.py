"""API latency: gunicorn + PostgreSQL + Redis on loopback, measured by a keep-alive client.

Starts gunicorn (`config.wsgi`, gthread workers) on a free 127.0.0.1 port against a dedicated
PostgreSQL database (created if missing) and Redis db 7, creates a tenant and an API key
(rate limit out of the way) and `--jobs` jobs of `--images` approved 1024x1024 images with
their renditions (rows written as the runner and the renditions actor leave them; the GET
reads rows only, no files), then measures:

1. Server CPU per request of `GET /api/v1/jobs/{id}`, of `/healthz` (the baseline) and of
   the same GET for a job with no images (the floor of an authenticated read: middleware,
   key, throttle, DRF, the job's reads) on the same gunicorn worker: one keep-alive client
   (so one worker serves it), blocks of each in turn; the worker's CPU from /proc
   (nanosecond schedstat), p50/p99 of the same requests.
   Also the database queries of one GET (counted in this process through Django's client).
2. `POST /api/v1/jobs` (local model, 256x256): N requests from C concurrent clients, closed
   loop: p50/p99 and requests/s. The jobs only queue in Redis (no workers run).
3. `GET /api/v1/jobs/{id}` and `/healthz` at a fixed offered rate (open loop: request i is
   due at t0 + i/rate, and its latency is counted from that moment, so a slow server cannot
   hide queueing), then GET at the most it will take (closed loop, C clients).

Targets (issue "Speed"): GET CPU <= 3 ms and <= 2x /healthz's, <= 6 queries whatever the
number of images; GET p99 <= 50 ms at 150 requests/s; POST p50 <= 40 ms, p99 <= 150 ms.

    .venv/bin/python benchmarks/api_latency.py [--posts 1000 --clients 8 --rate 150
        --duration 25 --workers 3 --threads 4 --images 16]

Everything it starts is stopped, and the tenant and the Redis db removed, even on Ctrl-C.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.common import (  # noqa: E402
    HOST,
    add_json_out,
    children,
    emit,
    ensure_database,
    free_port,
    percentile,
    row,
)
from benchmarks.common import server_environment as common_environment  # noqa: E402

GET_CPU_TARGET_MS, GET_CPU_TARGET_RATIO, GET_QUERIES_TARGET = 3.0, 2.0, 6
GET_P99_TARGET_MS, POST_P50_TARGET_MS, POST_P99_TARGET_MS = 50.0, 40.0, 150.0
EMPTY = "GET /jobs/{id}, no images"  # the same answer for a job that has none yet: its floor
STOPPING = threading.Event()
JOB_BODY = json.dumps({"model": "local", "prompt": "a teapot on a wooden table",
                       "size": "256x256"}).encode()


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000, help="N: POST /jobs requests")
    parser.add_argument("--clients", type=int, default=8, help="C: concurrent clients")
    parser.add_argument("--idempotency-keys", action="store_true",
                        help="send each POST with an Idempotency-Key of its own")
    parser.add_argument("--rate", type=float, default=150.0, help="offered GET rate, per s")
    parser.add_argument("--duration", type=float, default=25.0, help="seconds at that rate")
    parser.add_argument("--max-duration", type=float, default=10.0,
                        help="seconds of the closed-loop GET run")
    parser.add_argument("--cpu-requests", type=int, default=2000,
                        help="requests of each kind in the CPU-per-request phase")
    parser.add_argument("--jobs", type=int, default=4, help="jobs the GETs walk through")
    parser.add_argument("--images", type=int, default=16, help="approved images per job")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--worker-class", default="gthread", choices=["gthread", "sync"],
                        help="gunicorn worker class (sync: no keep-alive)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument("--database", default="atelier_bench_api")
    parser.add_argument("--postgres", default=f"postgres://postgres@{HOST}:5432")
    parser.add_argument("--redis", default=f"redis://{HOST}:6379/7",
                        help="a Redis db of its own: it is flushed at the end")
    add_json_out(parser)
    return parser.parse_args()


# --- the server (dashboard_pages.py uses these too) -------------------------------------------

def server_environment(args: argparse.Namespace, var_dir: str) -> dict[str, str]:
    return common_environment(
        var_dir, DATABASE_URL=f"{args.postgres}/{args.database}", REDIS_URL=args.redis,
        ATELIER_QUEUE="redis", ATELIER_QUEUE_NAMESPACE=f"atelier-bench-{uuid.uuid4().hex[:8]}")


@contextmanager
def gunicorn(args: argparse.Namespace, env: dict[str, str], port: int, log: Path
             ) -> Iterator[subprocess.Popen[bytes]]:
    """gunicorn in its own process group, stopped (TERM, then KILL) however the block ends."""
    command = [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi:application",
               "--bind", f"{HOST}:{port}", "--workers", str(args.workers),
               "--worker-class", args.worker_class, "--threads", str(args.threads),
               "--keep-alive", "30", "--log-level", "warning", "--timeout", "60"]
    with log.open("ab") as handle:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until_ready(process, port)
        yield process
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def wait_until_ready(process: subprocess.Popen[bytes], port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        with suppress(OSError):
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                connection.close()
                return
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz in time")


def worker_cpu_seconds(master: int) -> dict[int, float]:
    """CPU time used so far by each gunicorn worker (child of `master`): the sum of its
    threads' schedstat run time (nanoseconds), else utime + stime (clock ticks)."""
    found: dict[int, float] = {}
    ticks = os.sysconf("SC_CLK_TCK")
    for pid in children(master):
        try:
            tasks = list(Path(f"/proc/{pid}/task").iterdir())
            found[pid] = sum(int((task / "schedstat").read_text().split()[0])
                             for task in tasks) / 1e9
        except (OSError, ValueError, IndexError):
            with suppress(OSError, IndexError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                found[pid] = (int(fields[11]) + int(fields[12])) / ticks
    return found


def server_cpu_seconds(master: int) -> float:
    return sum(worker_cpu_seconds(master).values())


# --- the client -------------------------------------------------------------------------------

@dataclass
class Result:
    latencies_ms: list[float]
    errors: int
    elapsed: float
    server_cpu_ms: float = 0.0  # gunicorn workers' CPU per request
    client_cpu_ms: float = 0.0  # this process's CPU per request

    def percentile(self, fraction: float) -> float:
        return percentile(self.latencies_ms, fraction) if self.latencies_ms else float("nan")

    @property
    def rate(self) -> float:
        return len(self.latencies_ms) / self.elapsed if self.elapsed else 0.0


class Client:
    """One keep-alive connection; reconnects if the server closed it."""

    def __init__(self, port: int, headers: dict[str, str]) -> None:
        self.port = port
        self.headers = {"Host": HOST, **headers}
        self.connection = http.client.HTTPConnection(HOST, port, timeout=30)

    def call(self, method: str, path: str, body: bytes | None = None,
             extra: dict[str, str] | None = None) -> tuple[int, bytes]:
        headers = {**self.headers, **(extra or {})}
        if body is not None:
            headers["Content-Type"] = "application/json"
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                return response.status, response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                self.connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.connection.close()


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def run_threads(count: int, work: Callable[[Client, list[float], list[int]], None], port: int,
                headers: dict[str, str]) -> Result:
    """Run `work` in `count` client threads; their latencies and error count."""
    latencies: list[list[float]] = [[] for _ in range(count)]
    errors: list[list[int]] = [[] for _ in range(count)]
    clients = [Client(port, headers) for _ in range(count)]

    def run(index: int) -> None:
        try:
            work(clients[index], latencies[index], errors[index])
        except (OSError, http.client.HTTPException):  # the server went away: this client stops
            if not STOPPING.is_set():
                errors[index].append(0)
        finally:
            clients[index].close()

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(count)]
    started = time.perf_counter()
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    except BaseException:  # Ctrl-C or SIGTERM: the clients stop quietly as the server goes
        STOPPING.set()
        raise
    elapsed = time.perf_counter() - started
    return Result([x for part in latencies for x in part], sum(len(e) for e in errors), elapsed)


def sequential(client: Client, paths: list[str], count: int) -> tuple[list[float], int]:
    """`count` GETs one after another on one connection: latencies and errors."""
    latencies, errors = [], 0
    for index in range(count):
        started = time.perf_counter()
        status, _ = client.call("GET", paths[index % len(paths)])
        latencies.append((time.perf_counter() - started) * 1000)
        errors += status != 200
    return latencies, errors


def measure_cpu(master: int, port: int, headers: dict[str, str], kinds: dict[str, list[str]],
                total: int, blocks: int = 8) -> dict[str, Result]:
    """CPU per request of each kind of GET on one keep-alive connection (one worker), in
    alternating blocks so that a change in the machine's load weighs on every kind alike."""
    client = Client(port, headers)
    results = {kind: Result([], 0, 0.0) for kind in kinds}
    cpu = dict.fromkeys(kinds, 0.0)
    try:
        for paths in kinds.values():  # warm up: imports, connections, caches
            sequential(client, paths, 50)
        for _ in range(blocks):
            for kind, paths in kinds.items():
                before, started = server_cpu_seconds(master), time.perf_counter()
                latencies, errors = sequential(client, paths, max(1, total // blocks))
                cpu[kind] += server_cpu_seconds(master) - before
                results[kind].elapsed += time.perf_counter() - started
                results[kind].latencies_ms += latencies
                results[kind].errors += errors
    finally:
        client.close()
    for kind, result in results.items():
        result.server_cpu_ms = cpu[kind] * 1000 / max(1, len(result.latencies_ms))
    return results


def measure_posts(port: int, secret: str, total: int, clients: int, idempotent: bool
                  ) -> Result:
    """Closed loop: each client sends its share of the N submissions back to back (each with
    an Idempotency-Key of its own when `idempotent`)."""
    lock = threading.Lock()
    remaining = [total]

    def work(client: Client, latencies: list[float], errors: list[int]) -> None:
        while not STOPPING.is_set():
            with lock:
                if remaining[0] <= 0:
                    return
                remaining[0] -= 1
            started = time.perf_counter()
            extra = {"Idempotency-Key": uuid.uuid4().hex} if idempotent else None
            status, _ = client.call("POST", "/api/v1/jobs", JOB_BODY, extra)
            latencies.append((time.perf_counter() - started) * 1000)
            if status != 202:
                errors.append(status)

    return run_threads(clients, work, port, bearer(secret))


def measure_open_loop(port: int, headers: dict[str, str], paths: list[str], rate: float,
                      duration: float, clients: int) -> Result:
    """Open loop: request i is due at t0 + i/rate and measured from then, whoever sends it."""
    total = int(rate * duration)
    lock = threading.Lock()
    next_index = [0]
    t0 = time.perf_counter() + 0.5

    def work(client: Client, latencies: list[float], errors: list[int]) -> None:
        while not STOPPING.is_set():
            with lock:
                index = next_index[0]
                next_index[0] += 1
            if index >= total:
                return
            due = t0 + index / rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            status, _ = client.call("GET", paths[index % len(paths)])
            latencies.append((time.perf_counter() - due) * 1000)
            if status != 200:
                errors.append(status)

    result = run_threads(clients, work, port, headers)
    result.elapsed -= 0.5  # the start-up margin before t0
    return result


def measure_closed_loop(port: int, headers: dict[str, str], paths: list[str], duration: float,
                        clients: int) -> Result:
    """As fast as C clients can go, for `duration` seconds."""
    deadline = time.perf_counter() + duration

    def work(client: Client, latencies: list[float], errors: list[int]) -> None:
        index = id(client) % len(paths)  # each client its own walk through the jobs
        while time.perf_counter() < deadline and not STOPPING.is_set():
            started = time.perf_counter()
            status, _ = client.call("GET", paths[index % len(paths)])
            latencies.append((time.perf_counter() - started) * 1000)
            index += 7
            if status != 200:
                errors.append(status)

    return run_threads(clients, work, port, headers)


# --- set-up, run, report -----------------------------------------------------------------------

def migrate(env: dict[str, str]) -> None:
    done = subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    if done.returncode:
        raise RuntimeError(f"migrate failed:\n{done.stdout}\n{done.stderr}")


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


# Every rendition of a 1024x1024 image once all were made: the thumbnail, then WebP and AVIF
# at 480 and 960 px (kind, format, width, height). Fixed here, whatever assets/renditions.py
# makes eagerly, so that runs before and after a change there compare.
RENDITIONS = [("thumbnail", "webp", 256, 256),
              *[("web", fmt, width, width) for width in (480, 960) for fmt in ("webp", "avif")]]


def delivered_job(tenant: Any, images: int) -> Any:
    """A job with `images` approved 1024x1024 images and their renditions (RENDITIONS), as a
    finished run and the renditions actor leave them (rows only: nothing here reads the
    files). The job row is written directly when `images` is past what the catalog lets one
    job ask for."""
    from django.utils.timezone import now

    from assets.models import Asset, Rendition
    from catalog.requests import JobRequest
    from generation.models import Job
    from generation.services import submit_job

    if images <= 16:
        job = submit_job(tenant, JobRequest(model="local", prompt="a teapot on a wooden table",
                                            n=images, size="1024x1024"))
    else:
        job = Job.objects.for_tenant(tenant).create(
            model_key="local", model_id="atelier.local-v1", operation="text_to_image",
            prompt="a teapot on a wooden table", n=images, base_seed=0, width=1024,
            height=1024, request={"model": "local", "n": images}, estimated_cost_usd=0)
    Job.unscoped.filter(pk=job.pk).update(status=Job.Status.SUCCEEDED, finished_at=now())
    assets = Asset.objects.for_tenant(tenant).bulk_create([Asset(
        job=job, index=index, model_key="local", model_id="atelier.local-v1",
        operation="text_to_image", parameters={"prompt": job.prompt}, seed=index,
        storage_key=f"generated/{tenant.slug}/{job.pk}/{index}.png", sha256="0" * 64,
        bytes=900_000, width=1024, height=1024, format="png",
        moderation_status=Asset.Moderation.APPROVED) for index in range(images)])
    Rendition.objects.for_tenant(tenant).bulk_create([Rendition(
        asset=asset, kind=kind, format=fmt, width=width, height=height, bytes=40_000,
        storage_key=f"renditions/{tenant.slug}/{asset.pk}/"
                    f"{'thumb' if kind == 'thumbnail' else f'w{width}'}.{fmt}")
        for asset in assets for kind, fmt, width, height in RENDITIONS])
    return job


def queries_of(path: str, headers: dict[str, str]) -> int:
    """The database queries of one request, served in this process by Django's client."""
    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext

    client = DjangoClient(HTTP_HOST=HOST, **{
        f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()})
    client.get(path)  # warm: caches a first request fills
    with CaptureQueriesContext(connection) as captured:
        status = client.get(path).status_code
    if status != 200:
        raise RuntimeError(f"GET {path}: {status}")
    return len(captured)


def report(args: argparse.Namespace, cpu: dict[str, Result], queries: int, posts: Result,
           at_rate: Result, health_at_rate: Result, closed: Result) -> bool:
    get, health, empty = cpu["GET /jobs/{id}"], cpu["/healthz"], cpu[EMPTY]
    ratio = get.server_cpu_ms / health.server_cpu_ms if health.server_cpu_ms else float("inf")
    cpu_met = get.server_cpu_ms <= GET_CPU_TARGET_MS and ratio <= GET_CPU_TARGET_RATIO
    queries_met = queries <= GET_QUERIES_TARGET
    get_met = at_rate.percentile(0.99) <= GET_P99_TARGET_MS and not at_rate.errors
    post_p50_met = posts.percentile(0.5) <= POST_P50_TARGET_MS and not posts.errors
    post_p99_met = posts.percentile(0.99) <= POST_P99_TARGET_MS and not posts.errors
    rate, clients = f"{args.rate:g}/s", f"{args.clients} clients"
    idempotent = " + keys" if args.idempotency_keys else ""
    rows = [
        ("/healthz", "1 client, sequential", health, "baseline"),
        ("GET /jobs/{id}", "1 client, sequential", empty, "baseline: a job of no images"),
        ("GET /jobs/{id}", "1 client, sequential", get,
         f"cpu <= {GET_CPU_TARGET_MS:g} ms and <= {GET_CPU_TARGET_RATIO:g}x /healthz "
         f"({ratio:.2f}x): {'met' if cpu_met else 'NOT met'}"),
        ("POST /jobs", f"closed loop, {clients}{idempotent}", posts,
         f"p50 <= {POST_P50_TARGET_MS:g}, p99 <= {POST_P99_TARGET_MS:g} ms: "
         f"{'met' if post_p50_met and post_p99_met else 'NOT met'}"),
        ("/healthz", f"open loop, {rate} offered", health_at_rate, "baseline"),
        ("GET /jobs/{id}", f"open loop, {rate} offered", at_rate,
         f"p99 <= {GET_P99_TARGET_MS:g} ms: {'met' if get_met else 'NOT met'}"),
        ("GET /jobs/{id}", f"closed loop, {clients}", closed, "-"),
    ]
    threads = f" x {args.threads} threads" if args.worker_class == "gthread" else ""
    print(f"\ngunicorn: {args.workers} {args.worker_class} workers{threads}; "
          f"PostgreSQL db {args.database}, Redis {args.redis}; {os.cpu_count()} cores; "
          f"GET: jobs of {args.images} approved images with renditions")
    print(f"{'request':<16} {'load':<30} {'n':>6} {'errors':>6} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'req/s':>8} {'srv cpu':>8} {'cli cpu':>8}  target")
    for name, load, result, target in rows:
        print(f"{name:<16} {load:<30} {len(result.latencies_ms):>6} {result.errors:>6} "
              f"{result.percentile(0.5):>8.1f} {result.percentile(0.99):>8.1f} "
              f"{result.rate:>8.1f} {result.server_cpu_ms:>8.2f} {result.client_cpu_ms:>8.2f}"
              f"  {target}")
    print(f"database queries of one GET /jobs/{{id}}: {queries} (target <= "
          f"{GET_QUERIES_TARGET}: {'met' if queries_met else 'NOT met'})")
    print("(srv cpu / cli cpu: milliseconds of CPU per request in gunicorn's workers and in "
          "this client)")
    name = "api_latency"
    emit(args.json_out, [
        row(name, "GET /jobs/{id} server CPU per request", get.server_cpu_ms, "ms",
            f"<= {GET_CPU_TARGET_MS:g} ms and <= {GET_CPU_TARGET_RATIO:g}x /healthz", cpu_met),
        row(name, "/healthz server CPU per request (baseline)", health.server_cpu_ms, "ms"),
        row(name, "GET /jobs/{id} CPU / /healthz CPU", ratio, "x"),
        row(name, "GET /jobs/{id} of no images server CPU (baseline)", empty.server_cpu_ms,
            "ms"),
        row(name, f"GET /jobs/{{id}} queries ({args.images} images)", queries, "queries",
            f"<= {GET_QUERIES_TARGET}", queries_met),
        row(name, f"POST /jobs{idempotent} p50", posts.percentile(0.5), "ms",
            f"<= {POST_P50_TARGET_MS:g} ms", post_p50_met),
        row(name, f"POST /jobs{idempotent} p99", posts.percentile(0.99), "ms",
            f"<= {POST_P99_TARGET_MS:g} ms", post_p99_met),
        row(name, f"POST /jobs{idempotent} throughput ({clients})", posts.rate, "req/s"),
        row(name, f"GET /jobs/{{id}} p50 at {rate}", at_rate.percentile(0.5), "ms"),
        row(name, f"GET /jobs/{{id}} p99 at {rate}", at_rate.percentile(0.99), "ms",
            f"<= {GET_P99_TARGET_MS:g} ms", get_met),
        row(name, f"/healthz p99 at {rate} (baseline)", health_at_rate.percentile(0.99), "ms"),
        row(name, f"GET /jobs/{{id}} max throughput ({clients})", closed.rate, "req/s"),
    ])
    return cpu_met and queries_met and get_met and post_p50_met and post_p99_met


def main() -> int:
    args = arguments()
    var_dir = tempfile.mkdtemp(prefix="atelier-bench-")
    env = server_environment(args, var_dir)
    ensure_database(args.postgres, args.database)
    migrate(env)
    os.environ.update(env)
    import django

    django.setup()
    from tenants.models import Tenant
    from tenants.services import create_tenant

    made = create_tenant(f"bench-{uuid.uuid4().hex[:8]}", name="API latency benchmark")
    made.key.api_key.rate_limit_per_minute = 10_000_000
    made.key.api_key.save(update_fields=["rate_limit_per_minute"])
    port = free_port()
    log = Path(var_dir) / "gunicorn.log"
    try:
        secret, headers = made.key.secret, bearer(made.key.secret)
        jobs = [f"/api/v1/jobs/{delivered_job(made.tenant, args.images).pk}"
                for _ in range(args.jobs)]
        empty = delivered_job(made.tenant, 1)
        empty.assets.all().delete()  # a job whose image is not in yet
        empty_job = f"/api/v1/jobs/{empty.pk}"
        queries = queries_of(jobs[0], headers)
        with gunicorn(args, env, port, log) as server_process:
            def costed(measure: Callable[[], Result]) -> Result:
                server, client = server_cpu_seconds(server_process.pid), time.process_time()
                result = measure()
                count = max(1, len(result.latencies_ms))
                result.server_cpu_ms = (server_cpu_seconds(server_process.pid) - server) * (
                    1000 / count)
                result.client_cpu_ms = (time.process_time() - client) * 1000 / count
                return result

            print(f"CPU per request: /healthz, GET /jobs/{{id}} of no images and of "
                  f"{args.images} x {args.cpu_requests} each, one connection ...", flush=True)
            cpu = measure_cpu(server_process.pid, port, headers,
                              {"/healthz": ["/healthz"], EMPTY: [empty_job],
                               "GET /jobs/{id}": jobs},
                              args.cpu_requests)
            print(f"POST /jobs x {args.posts} ({args.clients} clients) ...", flush=True)
            posts = costed(lambda: measure_posts(port, secret, args.posts, args.clients,
                                                 args.idempotency_keys))
            open_clients = max(args.clients, 16)
            print(f"/healthz at {args.rate:g}/s for {args.duration / 5:g} s ...", flush=True)
            health_at_rate = costed(lambda: measure_open_loop(
                port, headers, ["/healthz"], args.rate, args.duration / 5, open_clients))
            print(f"GET /jobs/{{id}} at {args.rate:g}/s for {args.duration:g} s ...",
                  flush=True)
            at_rate = costed(lambda: measure_open_loop(
                port, headers, jobs, args.rate, args.duration, open_clients))
            print(f"GET /jobs/{{id}} closed loop for {args.max_duration:g} s ...", flush=True)
            closed = costed(lambda: measure_closed_loop(port, headers, jobs,
                                                        args.max_duration, args.clients))
        met = report(args, cpu, queries, posts, at_rate, health_at_rate, closed)
    finally:
        flush_redis(args.redis)
        try:
            Tenant.objects.filter(pk=made.tenant.pk).delete()
        except Exception as exc:  # e.g. a protected ledger row: the bench db keeps it
            print(f"(the benchmark tenant was left in {args.database}: {exc})")
        shutil.rmtree(var_dir, ignore_errors=True)
    return 0 if met else 1


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started with it ignored
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # clean up as on Ctrl-C
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
