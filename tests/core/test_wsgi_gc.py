"""The serving process freezes what it loaded (config/wsgi.py): a full garbage collection in a
web worker must not walk the whole framework, or every request in flight waits for it."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT, subprocess_env

PROBE = """
import gc, json
import config.wsgi
from django.test import Client
frozen = gc.get_freeze_count()
Client().get("/healthz")
gc.collect()
print(json.dumps({"frozen": frozen, "tracked": len(gc.get_objects())}))
"""


def test_the_loaded_application_is_frozen_out_of_full_collections():
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, env=subprocess_env())
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout.strip().splitlines()[-1])
    # the views and serializers are loaded before the freeze: a request adds little to walk
    assert counts["frozen"] > 100_000
    assert counts["tracked"] < counts["frozen"] / 20
