"""The Bedrock double's timing, measured beside a baseline of the same run (the unit tests in
tests/providers/test_bedrock_double.py check only what it answers, never how fast):

1. A refusal is not delayed by the simulated latency: with `latency` = L, the median time of
   a refused request (a malformed body) beside that of an accepted one (the baseline, which
   the latency applies to). Target: a refusal takes under half the accepted call's time.
2. Requests are served in parallel: N requests from C clients at once, beside the same N
   requests one at a time from one client (the baseline). Target: at most half the baseline.

    .venv/bin/python benchmarks/bedrock_double_timing.py             # L=0.5 s, 24 requests
    .venv/bin/python benchmarks/bedrock_double_timing.py --latency 0.2 --requests 12
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.common import add_json_out, emit, row  # noqa: E402

MODEL_ID = "stability.sd3-5-large-v1:0"
BENCHMARK = "Bedrock double timing"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.5, help="the double's latency, s")
    parser.add_argument("--samples", type=int, default=5, help="calls of each kind in part 1")
    parser.add_argument("--requests", type=int, default=24, help="requests in part 2")
    parser.add_argument("--clients", type=int, default=12, help="parallel clients in part 2")
    add_json_out(parser)
    return parser.parse_args()


def client() -> Any:
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client(  # a session of its own per client, as in the tests
        "bedrock-runtime", region_name="us-west-2",
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}))


def call(runtime: Any, body: dict[str, Any]) -> float:
    """Seconds one invoke_model took, refused or not."""
    from botocore.exceptions import ClientError

    started = time.perf_counter()
    try:
        runtime.invoke_model(modelId=MODEL_ID, body=json.dumps(body))["body"].read()
    except ClientError as refused:
        assert refused.response["Error"]["Code"] == "ValidationException", refused.response
    return time.perf_counter() - started


def main() -> int:
    args = arguments()
    from tests.fakes.bedrock import BedrockDouble

    double = BedrockDouble().start()
    os.environ.update({"AWS_ENDPOINT_URL_BEDROCK_RUNTIME": double.url,
                       "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": "us-west-2"})
    for name in ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_BEARER_TOKEN_BEDROCK"):
        os.environ.pop(name, None)
    rows = []
    try:
        runtime = client()
        call(runtime, {"prompt": "warm up"})  # the connection and botocore's first-call costs
        double.latency = args.latency
        accepted = statistics.median(call(runtime, {"prompt": "a"})
                                     for _ in range(args.samples))
        refused = statistics.median(call(runtime, {"prompt": 1}) for _ in range(args.samples))
        print(f"latency {args.latency:g} s: accepted call median {accepted:.3f} s (baseline), "
              f"refused call median {refused:.3f} s")
        rows.append(row(BENCHMARK, f"accepted call, latency {args.latency:g} s (baseline)",
                        accepted, "s"))
        rows.append(row(BENCHMARK, "refused call, same latency", refused, "s",
                        f"< {accepted / 2:.2f} s (half the baseline)", refused < accepted / 2))

        double.latency = 0.2
        clients = [client() for _ in range(args.clients)]
        for each in clients:  # connections open, as in a running worker
            call(each, {"prompt": 1})
        started = time.perf_counter()
        for _ in range(args.requests):
            call(clients[0], {"prompt": "a"})
        one_at_a_time = time.perf_counter() - started
        share, errors = -(-args.requests // args.clients), []

        def worker(each: Any) -> None:
            try:
                for _ in range(share):
                    call(each, {"prompt": "a"})
            except Exception as error:  # reported below
                errors.append(error)

        threads = [threading.Thread(target=worker, args=(each,)) for each in clients]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        parallel = time.perf_counter() - started
        total = share * args.clients
        print(f"{args.requests} requests one at a time: {one_at_a_time:.2f} s (baseline); "
              f"{total} from {args.clients} clients at once: {parallel:.2f} s"
              + (f", {len(errors)} errors" if errors else ""))
        rows.append(row(BENCHMARK, f"{args.requests} requests one at a time, latency 0.2 s "
                                   "(baseline)", one_at_a_time, "s"))
        per_request = parallel / total * args.requests
        rows.append(row(BENCHMARK, f"the same from {args.clients} clients at once (per "
                                   f"{args.requests})", per_request, "s",
                        f"<= {one_at_a_time / 2:.2f} s (half the baseline)",
                        not errors and per_request <= one_at_a_time / 2))
    finally:
        double.stop()
    emit(args.json_out, rows)
    return 0 if all(item["met"] is not False for item in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
