"""`make bench`: run every benchmark script and write one table to docs/benchmarks.md.

Each script states its target and prints whether it met it; run with `--json-out` it also
hands its rows here. The table goes between the `make bench` markers of docs/benchmarks.md
(the rest of the page, with each script's own history, is kept), headed by the machine it ran
on. A script whose services are missing is listed as not run, with what it needs.

Services: PostgreSQL and Redis from DATABASE_URL / REDIS_URL, or the local ones on their
usual ports when they answer; S3 from AWS_ENDPOINT_URL_S3, or a SeaweedFS started here
(scripts/seaweedfs.sh, from requirements-ci.txt) and stopped at the end.

    make bench                       # everything, full sizes (about 10 minutes)
    .venv/bin/python benchmarks/run_all.py --only pipeline_overhead   # the others' rows kept

Each row carries the date, machine and sizes of the run that measured it (results.json keeps
them), and the table shows them: rows kept by `--only` are never presented under the new date.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.common import ensure_database  # noqa: E402

DOC = ROOT / "docs" / "benchmarks.md"
RESULTS = ROOT / "benchmarks" / "results.json"  # the last rows of each script, for --only
START, END = "<!-- make bench: start -->", "<!-- make bench: end -->"


@dataclass(frozen=True)
class Benchmark:
    script: str
    args: tuple[str, ...]
    quick: tuple[str, ...]
    needs: frozenset[str] = frozenset()


BENCHMARKS = (
    Benchmark("batch_throughput.py", ("--images", "300", "--latency", "2", "--rpm", "120"),
              ("--images", "130", "--latency", "1", "--rpm", "120"), frozenset({"redis"})),
    Benchmark("multi_region.py", ("--images", "240", "--latency", "0.5", "--rpm", "40"),
              ("--images", "80", "--latency", "0.5", "--rpm", "20")),
    Benchmark("contact_sheet.py", ("--images", "10", "--latency", "2", "--rpm", "100",
                                   "--runs", "5"),
              ("--images", "10", "--latency", "2", "--rpm", "100", "--runs", "1"),
              frozenset({"redis"})),
    Benchmark("pipeline_overhead.py", ("--images", "20", "--rekognition"),
              ("--images", "4", "--rekognition"), frozenset({"s3"})),
    Benchmark("storage_overhead.py", ("--images", "20",), ("--images", "4"), frozenset({"s3"})),
    Benchmark("provenance_overhead.py", ("--images", "20",), ("--images", "4")),
    Benchmark("watermark_robustness.py", ("--images", "24", "--unmarked", "1000"),
              ("--images", "2", "--small", "2", "--random", "20", "--unmarked", "100",
               "--timing", "3")),
    Benchmark("api_latency.py", (), ("--posts", "100", "--duration", "5", "--max-duration",
                                     "3"), frozenset({"redis", "postgres"})),
    Benchmark("dashboard_pages.py", (), ("--requests", "60"), frozenset({"redis", "postgres"})),
    Benchmark("batch_intake.py", ("--rows", "10000", "--api"), ("--rows", "1000",),
              frozenset({"redis", "postgres"})),
    Benchmark("worker_rss.py", ("--images", "40"), ("--images", "8"), frozenset({"redis"})),
    Benchmark("upload_memory.py", (), ("--clients", "4")),
    Benchmark("archive_memory.py", ("--images", "10000"), ("--images", "1000")),
    Benchmark("bedrock_double_timing.py", (), ("--samples", "3", "--requests", "12")),
    Benchmark("local_renderer.py", (), ("--runs", "2")),
    Benchmark("compliance.py", (), ("--runs", "3")),
    Benchmark("compositing.py", (), ("--runs", "3")),
)


def answers(host: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex((host, port)) == 0


def services(env: dict[str, str], work: Path) -> tuple[set[str], list[str]]:
    """Which services are there (starting SeaweedFS if need be); the commands to stop."""
    found, cleanup = set(), []
    if not env.get("REDIS_URL") and answers("127.0.0.1", 6379):
        env["REDIS_URL"] = "redis://127.0.0.1:6379/13"
    if env.get("REDIS_URL"):
        found.add("redis")
    if not env.get("DATABASE_URL") and answers("127.0.0.1", 5432):
        ensure_database("postgres://postgres@127.0.0.1:5432", "atelier_bench")
        env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/atelier_bench"
    if env.get("DATABASE_URL", "").startswith("postgres"):
        found.add("postgres")
    if not env.get("AWS_ENDPOINT_URL_S3") and (ROOT / ".venv" / "bin" / "weed").exists():
        started = subprocess.run(["scripts/seaweedfs.sh", "start", str(work / "s3")], cwd=ROOT,
                                 capture_output=True, text=True, env=env)
        if started.returncode == 0:
            env.update(re.findall(r"export (\w+)=(\S+)", started.stdout))
            cleanup.append(f"scripts/seaweedfs.sh stop {work / 's3'}")
    if env.get("AWS_ENDPOINT_URL_S3"):
        found.add("s3")
    return found, cleanup


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    memory = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text()
                   .splitlines() if line.startswith("MemTotal")), 0) / 1024 ** 2
    return (f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, {platform.platform()}, "
            f"Python {platform.python_version()}")


def stamped(rows: list[dict[str, Any]], when: str, where: str, sizes: str
            ) -> list[dict[str, Any]]:
    """Each row with the date, machine and sizes of the run that measured it: a row kept from
    an earlier run (`--only`) keeps its own, so it is never shown under a newer date."""
    return [{**item, "date": when, "machine": where, "sizes": sizes} for item in rows]


def measured(item: dict[str, Any], where: str) -> str:
    """The row's own run: its date, `quick` for smoke sizes, and the machine if not this one."""
    if not item.get("date"):
        return "earlier run (undated)"
    text = item["date"] + (", quick sizes" if item.get("sizes") == "quick" else "")
    return text if item.get("machine") in (None, where) else f"{text}, on {item['machine']}"


def table(rows: list[dict[str, Any]], when: str, where: str, mode: str) -> str:
    dates = {item.get("date") for item in rows}
    lines = [START, "", f"## Summary (`make bench`, {when}{mode})", "",
             f"Machine: {where}.", ""]
    if dates != {when}:
        lines += ["Only some scripts ran on " + when + " (`--only`); the other rows are kept "
                  "from earlier runs, each with the date it was measured.", ""]
    lines += ["| benchmark | measure | value | target | met | measured |",
              "|---|---|---|---|---|---|"]
    for item in rows:
        met = {True: "yes", False: "**no**", None: ""}[item["met"]]
        value = item["value"] if isinstance(item["value"], str) else (
            f"{item['value']:g} {item['unit']}")
        lines.append(f"| {item['benchmark']} | {item['measure']} | {value} | "
                     f"{item['target']} | {met} | {measured(item, where)} |")
    return "\n".join([*lines, "", END])


def write_doc(section: str) -> None:
    text = DOC.read_text()
    if START in text and END in text:
        text = text[:text.index(START)] + section + text[text.index(END) + len(END):]
    else:
        head, _, rest = text.partition("\n## ")
        text = f"{head}\n{section}\n\n## {rest}" if rest else f"{text}\n{section}\n"
    DOC.write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a smoke run")
    parser.add_argument("--only", action="append", default=[], help="script name(s) to run")
    parser.add_argument("--no-doc", action="store_true", help="print, don't write the doc")
    args = parser.parse_args()
    env = dict(os.environ)
    when, where = time.strftime("%Y-%m-%d"), machine()
    sizes = "quick" if args.quick else "full"
    work = Path(tempfile.mkdtemp(prefix="atelier-bench-"))
    found, cleanup = services(env, work)
    results: dict[str, list[dict[str, Any]]] = (
        json.loads(RESULTS.read_text()) if args.only and RESULTS.exists() else {})
    try:
        for bench in BENCHMARKS:
            name = bench.script.removesuffix(".py")
            if args.only and name not in args.only:
                continue
            missing = sorted(bench.needs - found)
            if missing:
                results[name] = stamped([{
                    "benchmark": name, "measure": "not run", "value": "—", "unit": "",
                    "target": f"needs {', '.join(missing)}", "met": None}], when, where, sizes)
                continue
            out = work / f"{name}.json"
            command = [sys.executable, f"benchmarks/{bench.script}",
                       *(bench.quick if args.quick else bench.args), "--json-out", str(out)]
            print(f"\n=== {' '.join(command[1:])}", flush=True)
            started = time.monotonic()
            code = subprocess.run(command, cwd=ROOT, env=env).returncode
            print(f"=== {name}: exit {code} in {time.monotonic() - started:.0f} s", flush=True)
            results[name] = stamped(json.loads(out.read_text()) if out.exists() else [
                {"benchmark": name, "measure": "failed", "value": f"exit {code}", "unit": "",
                 "target": "", "met": False}], when, where, sizes)
    finally:
        for command in cleanup:
            subprocess.run(command.split(), cwd=ROOT, env=env, check=False)
    rows = [item for bench in BENCHMARKS
            for item in results.get(bench.script.removesuffix(".py"), [])]
    section = table(rows, when, where, ", quick sizes" if args.quick else "")
    print("\n" + section)
    if not args.no_doc:
        RESULTS.write_text(json.dumps(results, indent=1) + "\n")
        write_doc(section)
        print(f"\nwritten to {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
