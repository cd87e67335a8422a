"""A worker process loads what running jobs needs, not what only some processes use: the
Stripe library (imported when usage is sent), Sentry's SDK (only with SENTRY_DSN) and the
OpenAPI schema's machinery (only where the API is described). Together they were 10 MB of
every worker's idle memory (docs/benchmarks.md, "Worker memory")."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT, subprocess_env

LOADED_BY_ONLY_SOME = ("stripe", "sentry_sdk", "drf_spectacular.plumbing", "rest_framework.test")

PROBE = f"""
import io, json, sys
import django
django.setup()
from django_dramatiq.management.commands.rundramatiq import Command
modules = Command(stdout=io.StringIO()).discover_tasks_modules()
print(json.dumps({{"modules": modules,
                  "loaded": [m for m in {LOADED_BY_ONLY_SOME!r} if m in sys.modules]}}))
"""


def test_a_worker_loads_its_actors_without_stripe_sentry_or_the_schema():
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, env=subprocess_env())
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert {"generation.actors", "assets.actors", "billing.actors"} <= set(found["modules"])
    assert found["loaded"] == []
