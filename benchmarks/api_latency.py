"""API latency: gunicorn + PostgreSQL + Redis on loopback, measured by a keep-alive client.

Starts gunicorn (`config.wsgi`, gthread workers) on a free 127.0.0.1 port against a dedicated
PostgreSQL database (created if missing) and Redis db 7, creates a tenant and an API key
(rate limit out of the way), then measures:

1. `POST /api/v1/jobs` (local model, 256x256): N requests from C concurrent clients, closed
   loop: p50/p99 and requests/s. The jobs only queue in Redis (no workers run).
2. `GET /api/v1/jobs/{id}` at a fixed offered rate (open loop: request i is due at
   t0 + i/rate, and its latency is counted from that moment, so a slow server cannot hide
   queueing), then at the most it will take (closed loop, C clients).

Target (issue 9): `GET /jobs/{id}` p99 <= 50 ms at 100 requests/s.

    .venv/bin/python benchmarks/api_latency.py [--posts 1000 --clients 8 --rate 100
        --duration 25 --workers 3 --threads 4]

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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.common import HOST, add_json_out, emit, free_port, percentile, row  # noqa: E402
from benchmarks.common import server_environment as common_environment  # noqa: E402

GET_P99_TARGET_MS = 50.0
STOPPING = threading.Event()
JOB_BODY = json.dumps({"model": "local", "prompt": "a teapot on a wooden table",
                       "size": "256x256"}).encode()


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000, help="N: POST /jobs requests")
    parser.add_argument("--clients", type=int, default=8, help="C: concurrent clients")
    parser.add_argument("--rate", type=float, default=100.0, help="offered GET rate, per s")
    parser.add_argument("--duration", type=float, default=25.0, help="seconds at that rate")
    parser.add_argument("--max-duration", type=float, default=10.0,
                        help="seconds of the closed-loop GET run")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--worker-class", default="gthread", choices=["gthread", "sync"],
                        help="gunicorn worker class (sync: no keep-alive)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument("--database", default="atelier_bench")
    parser.add_argument("--postgres", default=f"postgres://postgres@{HOST}:5432")
    parser.add_argument("--redis", default=f"redis://{HOST}:6379/7",
                        help="a Redis db of its own: it is flushed at the end")
    add_json_out(parser)
    return parser.parse_args()


# --- the server -------------------------------------------------------------------------------

def ensure_database(postgres: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{postgres}/postgres", autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                              [name]).fetchone() is None:
            connection.execute(f'CREATE DATABASE "{name}"')


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


def server_cpu_seconds(master: int) -> float:
    """CPU time (user + system) used so far by gunicorn's workers (children of `master`)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:  # ppid
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


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

    def __init__(self, port: int, secret: str) -> None:
        self.port = port
        self.headers = {"Authorization": f"Bearer {secret}", "Host": HOST}
        self.connection = http.client.HTTPConnection(HOST, port, timeout=30)

    def call(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        headers = dict(self.headers)
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


def run_threads(count: int, work: Callable[[Client, list[float], list[int]], None], port: int,
                secret: str) -> Result:
    """Run `work` in `count` client threads; their latencies and error count."""
    latencies: list[list[float]] = [[] for _ in range(count)]
    errors: list[list[int]] = [[] for _ in range(count)]
    clients = [Client(port, secret) for _ in range(count)]

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


def measure_posts(port: int, secret: str, total: int, clients: int, job_ids: list[str]
                  ) -> Result:
    """Closed loop: each client sends its share of the N submissions back to back."""
    lock = threading.Lock()
    remaining = [total]

    def work(client: Client, latencies: list[float], errors: list[int]) -> None:
        while not STOPPING.is_set():
            with lock:
                if remaining[0] <= 0:
                    return
                remaining[0] -= 1
            started = time.perf_counter()
            status, body = client.call("POST", "/api/v1/jobs", JOB_BODY)
            latencies.append((time.perf_counter() - started) * 1000)
            if status == 202:
                job_ids.append(json.loads(body)["id"])
            else:
                errors.append(status)

    return run_threads(clients, work, port, secret)


def measure_gets_open_loop(port: int, secret: str, job_ids: list[str], rate: float,
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
            status, _ = client.call("GET", f"/api/v1/jobs/{job_ids[index % len(job_ids)]}")
            latencies.append((time.perf_counter() - due) * 1000)
            if status != 200:
                errors.append(status)

    result = run_threads(clients, work, port, secret)
    result.elapsed -= 0.5  # the start-up margin before t0
    return result


def measure_gets_closed_loop(port: int, secret: str, job_ids: list[str], duration: float,
                             clients: int) -> Result:
    """As fast as C clients can go, for `duration` seconds."""
    deadline = time.perf_counter() + duration

    def work(client: Client, latencies: list[float], errors: list[int]) -> None:
        index = id(client) % len(job_ids)  # each client its own walk through the jobs
        while time.perf_counter() < deadline and not STOPPING.is_set():
            started = time.perf_counter()
            status, _ = client.call("GET", f"/api/v1/jobs/{job_ids[index % len(job_ids)]}")
            latencies.append((time.perf_counter() - started) * 1000)
            index += 7
            if status != 200:
                errors.append(status)

    return run_threads(clients, work, port, secret)


# --- set-up, run, report -----------------------------------------------------------------------

def migrate(env: dict[str, str]) -> None:
    done = subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    if done.returncode:
        raise RuntimeError(f"migrate failed:\n{done.stdout}\n{done.stderr}")


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def report(args: argparse.Namespace, posts: Result, at_rate: Result, closed: Result) -> bool:
    met = at_rate.percentile(0.99) <= GET_P99_TARGET_MS and not at_rate.errors
    rows = [
        ("POST /jobs", f"closed loop, {args.clients} clients", posts, "-"),
        ("GET /jobs/{id}", f"open loop, {args.rate:g}/s offered", at_rate,
         f"p99 <= {GET_P99_TARGET_MS:g} ms: {'met' if met else 'NOT met'}"),
        ("GET /jobs/{id}", f"closed loop, {args.clients} clients", closed, "-"),
    ]
    threads = f" x {args.threads} threads" if args.worker_class == "gthread" else ""
    print(f"\ngunicorn: {args.workers} {args.worker_class} workers{threads}; "
          f"PostgreSQL db {args.database}, Redis {args.redis}; {os.cpu_count()} cores")
    print(f"{'request':<16} {'load':<26} {'n':>6} {'errors':>6} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'req/s':>8} {'srv cpu':>8} {'cli cpu':>8}  target")
    for name, load, result, target in rows:
        print(f"{name:<16} {load:<26} {len(result.latencies_ms):>6} {result.errors:>6} "
              f"{result.percentile(0.5):>8.1f} {result.percentile(0.99):>8.1f} "
              f"{result.rate:>8.1f} {result.server_cpu_ms:>8.1f} {result.client_cpu_ms:>8.1f}"
              f"  {target}")
    print("(srv cpu / cli cpu: milliseconds of CPU per request in gunicorn's workers and in "
          "this client)")
    name, rate = "api_latency", f"{args.rate:g}/s"
    emit(args.json_out, [
        row(name, "POST /jobs p50", posts.percentile(0.5), "ms"),
        row(name, "POST /jobs p99", posts.percentile(0.99), "ms"),
        row(name, f"POST /jobs throughput ({args.clients} clients)", posts.rate, "req/s"),
        row(name, f"GET /jobs/{{id}} p50 at {rate}", at_rate.percentile(0.5), "ms"),
        row(name, f"GET /jobs/{{id}} p99 at {rate}", at_rate.percentile(0.99), "ms",
            f"<= {GET_P99_TARGET_MS:g} ms", met),
        row(name, f"GET /jobs/{{id}} max throughput ({args.clients} clients)", closed.rate,
            "req/s"),
        row(name, "GET /jobs/{id} server CPU per request", closed.server_cpu_ms, "ms"),
    ])
    return met


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
        with gunicorn(args, env, port, log) as server_process:
            job_ids: list[str] = []
            def costed(measure: Callable[[], Result]) -> Result:
                server, client = server_cpu_seconds(server_process.pid), time.process_time()
                result = measure()
                count = max(1, len(result.latencies_ms))
                result.server_cpu_ms = (server_cpu_seconds(server_process.pid) - server) * (
                    1000 / count)
                result.client_cpu_ms = (time.process_time() - client) * 1000 / count
                return result

            secret = made.key.secret
            print(f"POST /jobs x {args.posts} ({args.clients} clients) ...", flush=True)
            posts = costed(lambda: measure_posts(port, secret, args.posts, args.clients,
                                                 job_ids))
            if not job_ids:
                raise RuntimeError(f"no job was accepted; see {log}")
            print(f"GET /jobs/{{id}} at {args.rate:g}/s for {args.duration:g} s ...",
                  flush=True)
            at_rate = costed(lambda: measure_gets_open_loop(
                port, secret, job_ids, args.rate, args.duration, max(args.clients, 16)))
            print(f"GET /jobs/{{id}} closed loop for {args.max_duration:g} s ...", flush=True)
            closed = costed(lambda: measure_gets_closed_loop(port, secret, job_ids,
                                                             args.max_duration, args.clients))
        met = report(args, posts, at_rate, closed)
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
