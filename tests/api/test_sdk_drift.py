"""The committed Python client (clients/python) is the one the schema generates today.

A change to a serializer, a decorator or api/schema.py that changes the schema must come with
`make sdk`; otherwise partners' clients and ours disagree. Regenerates into a temporary
directory (clients/generate.sh check) and diffs; the generator must not warn either."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT, subprocess_env


def test_the_committed_python_client_matches_the_schema():
    result = subprocess.run([str(ROOT / "clients" / "generate.sh"), "check", "python"],
                            cwd=ROOT, env=subprocess_env(PYTHON=sys.executable),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "openapi-python-client: 0 warnings" in result.stdout
    assert "the clients match the schema" in result.stdout
