"""The request examples of the partner docs run, as written, against a live server.

A partner copies them first; an example naming a retired model or a template that does not
exist fails on their first day. So every ```sh block that calls `curl` in the documents below
is run by bash, in document order, one shell per document (an id read in one block is used in
a later one), with the real `curl` (and `jq`, which the docs use to read ids out of answers).
What is changed before running:

* the example hosts (`https://YOUR-ATELIER`, `https://atelier.example.com`,
  `http://127.0.0.1:8000`) become the live server's address;
* `ATELIER_KEY` and `KEY` hold a tenant's API key; `ID` (in webhooks.md, "your endpoint's
  id") names an endpoint of that tenant;
* `curl` fails on any HTTP error, printing the error's body (`--fail-with-body`), and the
  shell stops at the first failing command (`set -euo pipefail`);
* the files the examples send exist in the working directory: `spring.csv` is the docs' own
  CSV example, the images are small pictures.

Where an example waits for a job, jobs run on the in-process worker against Bedrock's local
double (tests/fakes), so models are built and checked as for Bedrock (`local` renders
offline); elsewhere an example runs when the API accepts it. The catalog is as shipped: an
example naming a retired model fails. Blocks
that run other programs (make, manage.py) are not request examples and are not run.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import IN_CI
from tests.helpers import png_bytes

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = ["docs/api.md", "docs/batches.md", "docs/webhooks.md", "docs/ecommerce.md",
             "README.md"]
# The documents whose examples wait for a job to finish: their jobs run (in-process worker);
# elsewhere jobs are accepted and stay queued.
WAITS_FOR_JOBS = {"docs/api.md"}
HOSTS = ("https://YOUR-ATELIER", "https://atelier.example.com", "http://127.0.0.1:8000")
FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
PRELUDE = """set -euo pipefail
curl() { command curl --fail-with-body --show-error --max-time 60 "$@"; }
command -v uuidgen > /dev/null || uuidgen() { python3 -c 'import uuid; print(uuid.uuid4())'; }
"""


def blocks(path: str, language: str) -> list[tuple[int, str]]:
    """The document's fenced blocks in `language`: (line number, text)."""
    text = (ROOT / path).read_text(encoding="utf-8")
    return [(text.count("\n", 0, found.start()) + 1, found.group(2))
            for found in FENCE.finditer(text) if found.group(1) == language]


def request_examples(path: str) -> list[tuple[int, str]]:
    return [(line, code) for line, code in blocks(path, "sh") if re.search(r"\bcurl\b", code)]


def script(path: str, base_url: str) -> str:
    parts = [PRELUDE]
    for line, code in request_examples(path):
        for host in HOSTS:
            code = code.replace(host, base_url)
        parts.append(f'echo "--- {path}, the example at line {line}" >&2\n{code}')
    return "\n".join(parts)


@pytest.fixture
def example_hosts(monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    """The docs' webhook receivers (`hooks.example.com`) resolve, to this machine: nothing is
    asked of the network, and a delivery is refused at once."""
    settings.ATELIER_WEBHOOK_ALLOW_PRIVATE = True
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        return real("127.0.0.1" if name.endswith("example.com") else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """The files the examples send: the docs' CSV example and three small pictures."""
    (csv,) = [code for _, code in blocks("docs/batches.md", "csv")]
    (tmp_path / "spring.csv").write_text(csv, encoding="utf-8")
    (tmp_path / "banner.png").write_bytes(png_bytes((320, 200), (200, 40, 40)))
    (tmp_path / "copy.jpg").write_bytes(png_bytes((320, 200), (40, 40, 200), fmt="JPEG"))
    (tmp_path / "cutout.png").write_bytes(png_bytes((320, 200), (0, 0, 0, 0), mode="RGBA",
                                                    box=(100, 50, 220, 170),
                                                    box_color=(40, 120, 60, 255)))
    return tmp_path


@pytest.fixture
def bedrock_as_is(bedrock_double: Any, settings: Any) -> Any:
    """ATELIER_PROVIDER=bedrock against the double, the catalog as shipped: unlike the shared
    `bedrock` fixture, a retired model stays retired (an example naming one must fail)."""
    settings.ATELIER_PROVIDER = "bedrock"
    settings.AWS_REGION = "us-east-1"
    settings.ATELIER_PREVIEW_MODELS = False  # as shipped: an example needing a preview fails
    return bedrock_double


@pytest.fixture
def server(live_server: Any, acme: Any, empty_queue: None, bedrock_as_is: Any,
           example_hosts: None) -> Iterator[tuple[str, Any]]:
    for tool in ("curl", "jq", "bash"):
        if shutil.which(tool) is None:
            message = f"the docs' examples need {tool}"
            pytest.fail(message) if IN_CI else pytest.skip(message)
    yield live_server.url, acme


def test_the_documents_have_request_examples():
    """The examples below are found: a fence or host spelled differently would skip them."""
    found = {path: request_examples(path) for path in DOCUMENTS}
    assert all(found.values()), {path: len(examples) for path, examples in found.items()}
    for path, examples in found.items():
        for line, code in examples:
            assert any(host in code for host in HOSTS), f"{path}:{line} names another host"


@pytest.mark.parametrize("path", DOCUMENTS)
def test_the_request_examples_run(path, server, workdir, request):
    base_url, acme = server
    if path in WAITS_FOR_JOBS:
        request.getfixturevalue("run_jobs")  # the in-process worker, for the rest of the test
    env = {**os.environ, "ATELIER_KEY": acme.key.secret, "KEY": acme.key.secret}
    if path == "docs/webhooks.md":
        from api.webhooks import create_endpoint

        endpoint, _ = create_endpoint(acme.tenant, "https://hooks.example.com/orders",
                                      ["job.succeeded"])
        env["ID"] = str(endpoint.pk)
    ran = subprocess.run(["bash", "-c", script(path, base_url)], cwd=workdir, env=env,
                         capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0, f"{ran.stderr[-3000:]}\n{ran.stdout[-2000:]}"
