"""Dashboard pages with many images: gunicorn + PostgreSQL + Redis on loopback, signed in.

Starts gunicorn (`config.wsgi`) as benchmarks/api_latency.py does, against its own PostgreSQL
database and Redis db 7, with a tenant whose owner is signed in (a session made in this
process) and `--images` approved 1024x1024 images with their renditions, all in one job (rows
written as a run and the renditions actor leave them; the pages read rows only). One
keep-alive client then asks, in alternating blocks so that every page meets the same load:

- the job page (`/t/<tenant>/jobs/<id>/`: every image of the job, with its thumbnail link),
- the Library (`/t/<tenant>/library/`: the newest page of the tenant's images),
- the Templates page (the dashboard's lightest page: no images) and `/healthz`, the baselines.

It reports each page's time at the client (loopback, one request at a time: the server's time
plus well under a millisecond), median and p95, the gunicorn worker's CPU per request, and
the database queries of one request (counted in this process through Django's client).

Target (issue "Speed"): the job page and the Library with 200 images, median <= 80 ms each.

    .venv/bin/python benchmarks/dashboard_pages.py [--images 200 --requests 400]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.api_latency import (  # noqa: E402
    delivered_job,
    flush_redis,
    gunicorn,
    measure_cpu,
    migrate,
    server_environment,
)
from benchmarks.common import HOST, add_json_out, emit, ensure_database, free_port, row  # noqa: E402

PAGE_TARGET_MS = 80.0


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=200, help="approved images, one job")
    parser.add_argument("--requests", type=int, default=400, help="requests of each page")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--worker-class", default="gthread", choices=["gthread", "sync"])
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument("--database", default="atelier_bench_dashboard")
    parser.add_argument("--postgres", default=f"postgres://postgres@{HOST}:5432")
    parser.add_argument("--redis", default=f"redis://{HOST}:6379/7",
                        help="a Redis db of its own: it is flushed at the end")
    add_json_out(parser)
    return parser.parse_args()


def collectstatic(env: dict[str, str]) -> None:
    """The pages link hashed static files (production's manifest storage), as `make serve`
    collects them (into the git-ignored staticfiles/)."""
    done = subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v",
                           "0"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    if done.returncode:
        raise RuntimeError(f"collectstatic failed:\n{done.stdout}\n{done.stderr}")


def signed_in_cookie(user: object) -> str:
    """The `Cookie` header of a session of `user`, made here as a sign-in would make it."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def queries_of(path: str, cookie: str) -> int:
    """The database queries of one request of the page, served in this process."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=HOST, HTTP_COOKIE=cookie)
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        status = client.get(path).status_code
    if status != 200:
        raise RuntimeError(f"GET {path}: {status}")
    return len(captured)


def main() -> int:
    args = arguments()
    var_dir = tempfile.mkdtemp(prefix="atelier-bench-")
    env = server_environment(args, var_dir)
    ensure_database(args.postgres, args.database)
    migrate(env)
    collectstatic(env)
    os.environ.update(env)
    import django

    django.setup()
    from tenants.models import Tenant
    from tenants.services import create_tenant

    slug = f"bench-{uuid.uuid4().hex[:8]}"
    made = create_tenant(slug, name="Dashboard benchmark",
                         owner_email=f"owner@{slug}.test", owner_password=uuid.uuid4().hex)
    try:
        job = delivered_job(made.tenant, args.images)
        cookie = signed_in_cookie(made.owner)
        pages = {"job page": f"/t/{slug}/jobs/{job.pk}/", "Library": f"/t/{slug}/library/",
                 "Templates (lightest)": f"/t/{slug}/templates/", "/healthz": "/healthz"}
        queries = {name: queries_of(path, cookie) for name, path in pages.items()
                   if name != "/healthz"}
        port = free_port()
        with gunicorn(args, env, port, Path(var_dir) / "gunicorn.log") as server:
            print(f"{len(pages)} pages x {args.requests}, one connection ...", flush=True)
            results = measure_cpu(server.pid, port, {"Cookie": cookie},
                                  {name: [path] for name, path in pages.items()},
                                  args.requests)
    finally:
        flush_redis(args.redis)
        try:
            Tenant.objects.filter(pk=made.tenant.pk).delete()
        except Exception as exc:  # e.g. a protected ledger row: the bench db keeps it
            print(f"(the benchmark tenant was left in {args.database}: {exc})")
        shutil.rmtree(var_dir, ignore_errors=True)
    print(f"\ngunicorn: {args.workers} {args.worker_class} workers; PostgreSQL db "
          f"{args.database}, Redis {args.redis}; {os.cpu_count()} cores; {args.images} "
          "approved images with renditions, one job")
    print(f"{'page':<22} {'n':>5} {'errors':>6} {'median ms':>10} {'p95 ms':>8} "
          f"{'srv cpu ms':>10} {'queries':>8}  target")
    rows, met = [], True
    for name, result in results.items():
        median, p95 = result.percentile(0.5), result.percentile(0.95)
        target = ""
        if name in ("job page", "Library"):
            ok = median <= PAGE_TARGET_MS and not result.errors
            met &= ok
            target = f"median <= {PAGE_TARGET_MS:g} ms: {'met' if ok else 'NOT met'}"
            rows += [row("dashboard pages", f"{name} median ({args.images} images)", median,
                         "ms", f"<= {PAGE_TARGET_MS:g} ms", ok)]
        else:
            rows += [row("dashboard pages", f"{name} median (baseline)", median, "ms")]
        rows += [row("dashboard pages", f"{name} p95", p95, "ms"),
                 row("dashboard pages", f"{name} server CPU per request",
                     result.server_cpu_ms, "ms")]
        if name in queries:
            rows.append(row("dashboard pages", f"{name} queries", queries[name], "queries"))
        print(f"{name:<22} {len(result.latencies_ms):>5} {result.errors:>6} {median:>10.1f} "
              f"{p95:>8.1f} {result.server_cpu_ms:>10.2f} {queries.get(name, 0):>8}  {target}")
    emit(args.json_out, rows)
    return 0 if met else 1


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
