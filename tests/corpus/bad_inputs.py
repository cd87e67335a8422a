"""The bad-input corpus (issue 9, item 3): requests and command lines Atelier must refuse.

Each `Case` is one request to the API (method, path, content type, a JSON value, a raw body or
multipart parts, headers, which key) or one `manage.py` command line, with what must come
back: the HTTP status (for the CLI the exit status: 2 for bad input), and the `field` and the
words the error must name. `tests/api/test_bad_input_corpus.py` runs every case and checks that
the database, the queue and the stored files are exactly as they were before it.

Placeholders, filled in by the test:
- a JSON string (or a path segment) `@photo`, `@person`, `@garment`, `@mask` (640x480, white =
  change), `@square_mask` (512x512): the id of one of Acme's uploads; `@template`: the id of
  Acme's template `studio` (prompt `a {subject} on {surface}`, made for every templates case);
- a CLI argument `@file:NAME`: a file made from FILES[NAME]; `@dir`: a directory;
  `@missing`: a path where nothing is.

`setup` names what else a case needs first: `retired` (the catalog's end-of-life models kept
callable, as the operator override does, so that their own limits are what is refused),
`past_due` (the tenant's account is past due), `quota` (one image left this month),
`read_key` (the request uses a key with the `read` scope only), `prior_request` (the
Idempotency-Key was used once before, for another body), `second_template` (a template named
`other` exists too).
"""

from __future__ import annotations

import base64
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as default
from functools import cache
from typing import Any

from PIL import Image

from tests.helpers import encoded, png_bytes, png_header

MISSING: Any = object()
Body = bytes | Callable[[], bytes]


@dataclass(frozen=True)
class Case:
    """One bad input and the refusal it must get."""

    name: str
    status: int  # HTTP status; for `cli` cases the exit status
    field: str | None = None  # the error's `field` (invalid_batch: the first error's column)
    words: tuple[str, ...] = ()  # all of them in the message (CLI: in stderr)
    code: str | None = None  # the error's `code`, when it matters
    method: str = "POST"
    path: str = "/api/v1/jobs"
    json: Any = MISSING  # a value sent as application/json
    raw: Body | None = None  # or a raw body, sent as is with `content_type`
    content_type: str = "application/json"
    parts: dict[str, Any] | None = None  # or multipart: name -> text, or (filename, Body, type)
    headers: dict[str, str] = default(default_factory=dict)
    auth: str = "owner"  # owner | anonymous | bad_key | basic | read_key
    cli: tuple[str, ...] | None = None  # or `manage.py` arguments
    setup: tuple[str, ...] = ()
    settings: dict[str, Any] = default(default_factory=dict)

    @property
    def is_cli(self) -> bool:
        return self.cli is not None


# --- bytes the cases send -----------------------------------------------------------------------

@cache
def noisy_png() -> bytes:
    return encoded(Image.effect_noise((96, 96), 60).convert("RGB"), "PNG")


def broken_png() -> bytes:
    """A PNG whose compressed pixel data is corrupted (its IDAT checksum no longer matches)."""
    data = bytearray(noisy_png())
    start = data.index(b"IDAT") + 40
    data[start:start + 16] = bytes(16)
    return bytes(data)


def truncated_png() -> bytes:
    data = noisy_png()
    return data[: len(data) * 2 // 3]


@cache
def jpeg(width: int = 200, height: int = 150) -> bytes:
    return encoded(Image.effect_noise((width, height), 60).convert("RGB"), "JPEG")


def truncated_jpeg() -> bytes:
    data = jpeg()
    return data[: len(data) // 3]


def zip_named_png() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("image.png", png_bytes())
    return buffer.getvalue()


SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64">'
       b'<rect width="64" height="64" fill="red"/></svg>')


def gif() -> bytes:
    return png_bytes((32, 32), 3, mode="P", fmt="GIF")


def oversized_png() -> bytes:
    """A valid PNG padded past the 10 MiB upload cap (ATELIER_UPLOAD_MAX_BYTES)."""
    return png_bytes() + b"\x00" * (10 * 1024 * 1024)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def base64_just_over_the_byte_cap() -> bytes:
    """A JSON upload whose decoded image is one byte over 10 MiB (the body itself is under
    the body cap, so the image's own limit is what refuses it)."""
    data = png_bytes() + b"\x00" * (10 * 1024 * 1024 + 1 - len(png_bytes()))
    return json.dumps({"data": b64(data), "filename": "big.png"}).encode()


def base64_over_the_body_cap() -> bytes:
    return json.dumps({"data": "A" * (15 * 1024 * 1024), "filename": "huge.png"}).encode()


def json_of_20_mb() -> bytes:
    return json.dumps({"model": "local", "prompt": "x" * (20 * 1024 * 1024)}).encode()


def batch_json_of_20_mb() -> bytes:
    item = {"sku": "A", "model": "local", "prompt": "y" * 1000}
    return json.dumps({"items": [{**item, "sku": f"S{i}"} for i in range(20_000)]}).encode()


def csv_of_20_mb() -> bytes:
    return b"sku,prompt\n" + b"".join(b"S%d,%s\n" % (i, b"z" * 1000) for i in range(20_000))


def csv_rows(count: int) -> bytes:
    return b"sku,prompt\n" + b"".join(b"S%05d,a vase\n" % i for i in range(count))


def nested(depth: int) -> bytes:
    return b'{"model": "local", "prompt": "a", "params": ' + b'{"a": ' * depth + b"1" \
        + b"}" * depth + b"}"


# Files for `@file:NAME` in command lines.
FILES: dict[str, Body] = {
    "photo.png": lambda: png_bytes((640, 480)),
    "square.png": lambda: png_bytes((512, 512), 128, mode="L"),
    "notes.txt": b"these are notes, not an image\n",
    "empty.png": b"",
    "bomb.png": lambda: png_header(30000, 30000),
    "cut.jpg": truncated_jpeg,
    "anim.gif": gif,
    "zip.png": zip_named_png,
    "latin1.csv": b"sku,prompt\nA,a vase\nB,caf\xe9 au lait\n",
    "header-only.csv": b"sku,prompt\n",
    "image.csv": lambda: png_bytes(),
    "rows.csv": b"sku,prompt,n\nA,a vase,0\nB,a jug,1\n",
    "formula.csv": b"sku,prompt,seed\nA,a vase,=1+2\n",
}


# --- the corpus ----------------------------------------------------------------------------------

def local(**changes: Any) -> dict[str, Any]:
    """A valid local-model job body with `changes`."""
    return {"model": "local", "prompt": "a ceramic mug", **changes}


def job(name: str, body: Any, field: str | None, *words: str, status: int = 400,
        code: str | None = None, setup: tuple[str, ...] = ()) -> Case:
    """POST /jobs with a JSON body."""
    return Case(name, status, field, words, code=code, json=body, setup=setup)


def raw_job(name: str, raw: Body, content_type: str, status: int, *words: str,
            code: str | None = None, field: str | None = None) -> Case:
    return Case(name, status, field, words, code=code, raw=raw, content_type=content_type)


def upload(name: str, data: Body, filename: str, *words: str,
           content_type: str = "image/png", field: str = "file") -> Case:
    """POST /uploads with a multipart `file`."""
    return Case(name, 400, field, words, path="/api/v1/uploads",
                parts={"file": (filename, data, content_type)})


def upload_json(name: str, body: Any, field: str | None, *words: str, status: int = 400,
                code: str | None = None) -> Case:
    return Case(name, status, field, words, code=code, path="/api/v1/uploads", json=body)


def batch_csv(name: str, data: Body, field: str | None, *words: str, query: str = "model=local",
              status: int = 400, code: str | None = "invalid_batch") -> Case:
    """POST /batches with a text/csv body."""
    return Case(name, status, field, words, code=code, path=f"/api/v1/batches?{query}",
                raw=data, content_type="text/csv")


def template(name: str, body: Any, field: str | None, *words: str, status: int = 400,
             method: str = "POST", code: str | None = None,
             setup: tuple[str, ...] = ()) -> Case:
    path = "/api/v1/templates/@template" if method == "PATCH" else "/api/v1/templates"
    return Case(name, status, field, words, code=code, method=method, path=path, json=body,
                setup=setup)


PUBLIC = "https://93.184.215.14/atelier"  # an IP literal: checked without a DNS query


def webhook(name: str, body: Any, field: str | None, *words: str, status: int = 400) -> Case:
    return Case(name, status, field, words, path="/api/v1/webhooks", json=body)


def get(name: str, path: str, field: str | None, *words: str, status: int = 400,
        method: str = "GET") -> Case:
    return Case(name, status, field, words, method=method, path=path)


def cli(name: str, *args: str, field: str | None = None, words: tuple[str, ...] = (),
        status: int = 2, setup: tuple[str, ...] = ()) -> Case:
    return Case(name, status, field, words, cli=args, setup=setup)


def gen(*args: str) -> tuple[str, ...]:
    """`generate` for Acme with the local model, plus `args` (later options win)."""
    return ("generate", "--tenant", "acme", "--model", "local", "--prompt", "a mug", *args)


INPAINT = {"model": "stability-inpaint", "operation": "inpaint", "prompt": "a blue vase",
           "images": ["@photo"]}
OLD = ("retired",)

CASES: list[Case] = [
    # --- POST /jobs: the body is not a JSON object, or not JSON at all ---------------------------
    raw_job("json: nested 100000 levels deep", b"[" * 100_000 + b"]" * 100_000,
            "application/json", 400, "nested", code="invalid_json"),
    raw_job("json: params nested 200 levels deep", nested(200), "application/json", 400,
            "nested", code="invalid_json"),
    raw_job("json: 20 MB body", json_of_20_mb, "application/json", 413, "at most",
            code="request_too_large", field="body"),
    raw_job("json: a key twice", b'{"model": "local", "prompt": "a", "prompt": "b"}',
            "application/json", 400, "'prompt' appears twice", code="invalid_json"),
    raw_job("json: a key twice inside params",
            b'{"model": "local", "prompt": "a", "params": {"output_format": "png", '
            b'"output_format": "gif"}}', "application/json", 400, "'output_format' appears twice",
            code="invalid_json"),
    raw_job("json: invalid UTF-8", b'{"model": "local", "prompt": "caf\xe9"}',
            "application/json", 400, "utf-8", code="invalid_json"),
    raw_job("json: a lone surrogate escape", b'{"model": "local", "prompt": "a \\ud800 b"}',
            "application/json", 400, "prompt", field="prompt"),
    raw_job("json: NaN", b'{"model": "local", "prompt": "a", "n": NaN}', "application/json",
            400, "NaN", code="invalid_json"),
    raw_job("json: 1e309 overflows a float", b'{"model": "local", "prompt": "a", "seed": 1e309}',
            "application/json", 400, "out of range", code="invalid_json"),
    raw_job("json: trailing garbage", b'{"model": "local", "prompt": "a"} and more',
            "application/json", 400, "Extra data", code="invalid_json"),
    raw_job("json: top-level null", b"null", "application/json", 400, "No data",
            code="invalid_request"),
    raw_job("json: top-level number", b"42", "application/json", 400, "dictionary",
            code="invalid_request"),
    # --- POST /jobs: the wrong content type ------------------------------------------------------
    raw_job("content type: application/xml", b"<job><model>local</model></job>",
            "application/xml", 415, "application/xml", code="unsupported_media_type"),
    raw_job("content type: form-encoded", b"model=local&prompt=a+mug",
            "application/x-www-form-urlencoded", 415, "x-www-form-urlencoded",
            code="unsupported_media_type"),
    Case("content type: multipart form to a JSON endpoint", 415, None, ("multipart/form-data",),
         code="unsupported_media_type", parts={"model": "local", "prompt": "a mug"}),
    raw_job("content type: text/csv to /jobs", b"model,prompt\nlocal,a mug\n", "text/csv", 415,
            "text/csv", code="unsupported_media_type"),
    # --- POST /jobs: numbers ---------------------------------------------------------------------
    job("n: 2**63", local(n=2**63), "n", "less than or equal to"),
    job("n: -1", local(n=-1), "n", "between 1 and 16"),
    job("n: true", local(n=True), "n", "integer"),
    job("n: null", local(n=None), "n", "null"),
    job("n: a list", local(n=[2]), "n", "integer"),
    job("seed: -2**63 - 1", local(seed=-(2**63) - 1), "seed", "greater than or equal to"),
    job("seed: text", local(seed="forty-two"), "seed", "integer"),
    job("seed: false", local(seed=False), "seed", "integer"),
    job("size: negative", local(size="-256x256"), "size", "1024x1024"),
    job("size: 0x0", local(size="0x0"), "size", "between 64 and 2048"),
    job("size: enormous", local(size="99999999999x1"), "size", "1024x1024"),
    job("size: a number", local(size=1024), "size", "1024x1024"),
    job("aspect_ratio: 1:0", {"model": "sd3.5-large", "prompt": "a", "aspect_ratio": "1:0"},
        "aspect_ratio", "16:9"),
    job("params.cfg_scale: 1e308", {"model": "nova-canvas", "prompt": "a",
                                    "params": {"cfg_scale": 1e308}},
        "params.cfg_scale", "between 1.1 and 10", setup=OLD),
    job("params.cfg_scale: NaN as text", {"model": "titan-image-v2", "prompt": "a",
                                          "params": {"cfg_scale": "NaN"}},
        "params.cfg_scale", "finite", setup=OLD),
    job("params.cfg_scale: true", {"model": "sdxl", "prompt": "a", "params": {"cfg_scale": True}},
        "params.cfg_scale", "a number", setup=OLD),
    job("params.steps: 2**63", {"model": "sdxl", "prompt": "a", "params": {"steps": 2**63}},
        "params.steps", "between 10 and 50", setup=OLD),
    job("params.steps: 12.5", {"model": "sdxl", "prompt": "a", "params": {"steps": 12.5}},
        "params.steps", "whole number", setup=OLD),
    job("params.temperature: -0.1", {"model": "nova-2-omni", "prompt": "a",
                                     "params": {"temperature": -0.1}},
        "params.temperature", "between 0 and 1"),
    job("params.strength: a list", {"model": "stable-image-ultra", "operation": "image_to_image",
                                    "prompt": "a", "images": ["@photo"],
                                    "params": {"strength": [0.5]}},
        "params.strength", "a number"),
    job("params.grow_mask: 2**64", {**INPAINT, "mask": "@mask", "params": {"grow_mask": 2**64}},
        "params.grow_mask", "between 0 and 20"),
    # --- POST /jobs: prompts over each model family's limit ------------------------------------
    job("prompt: over the API's 20000", local(prompt="p" * 20_001), "prompt", "20000"),
    job("prompt: nova-omni over 4000", {"model": "nova-2-omni", "prompt": "p" * 4001},
        "prompt", "at most 4000"),
    job("prompt: titan over 512 (v2)", {"model": "titan-image-v2", "prompt": "p" * 513},
        "prompt", "at most 512", setup=OLD),
    job("negative_prompt: titan over 512 (v1)", {"model": "titan-image-v1", "prompt": "a",
                                                 "negative_prompt": "n" * 513},
        "negative_prompt", "at most 512", setup=OLD),
    job("mask_prompt: nova-canvas over 1024", {"model": "nova-canvas", "operation": "inpaint",
                                               "images": ["@photo"], "mask_prompt": "m" * 1025},
        "mask_prompt", "at most 1024", setup=OLD),
    job("prompt: sdxl over 2000", {"model": "sdxl", "prompt": "p" * 2001}, "prompt",
        "at most 2000", setup=OLD),
    job("prompt: stability over 10000 (ultra)", {"model": "stable-image-ultra",
                                                  "prompt": "p" * 10_001},
        "prompt", "at most 10000"),
    job("negative_prompt: stability over 10000 (core)", {"model": "stable-image-core",
                                                          "prompt": "a",
                                                          "negative_prompt": "n" * 10_001},
        "negative_prompt", "at most 10000"),
    job("prompt: stability services over 10000", {**INPAINT, "prompt": "p" * 10_001,
                                                   "mask": "@mask"},
        "prompt", "at most 10000"),
    # --- POST /jobs: operations a model does not have (one per family) ------------------------
    job("operation: local image_to_image", local(operation="image_to_image", images=["@photo"]),
        "operation", "does not support"),
    job("operation: nova-omni outpaint", {"model": "nova-2-omni", "operation": "outpaint",
                                          "images": ["@photo"], "aspect_ratio": "1:1"},
        "operation", "does not support"),
    job("operation: nova-canvas upscale", {"model": "nova-canvas", "operation": "upscale",
                                           "images": ["@photo"]},
        "operation", "does not support", setup=OLD),
    job("operation: titan v1 remove_background", {"model": "titan-image-v1",
                                                  "operation": "remove_background",
                                                  "images": ["@photo"]},
        "operation", "does not support", setup=OLD),
    job("operation: sd3.5 inpaint", {"model": "sd3.5-large", "operation": "inpaint", "prompt": "a",
                                     "images": ["@photo"], "mask": "@mask"},
        "operation", "does not support"),
    job("operation: sdxl outpaint", {"model": "sdxl", "operation": "outpaint",
                                     "images": ["@photo"], "aspect_ratio": "1:1"},
        "operation", "does not support", setup=OLD),
    job("operation: upscale-fast text_to_image", {"model": "stability-upscale-fast",
                                                  "prompt": "a"},
        "operation", "does not support"),
    job("operation: erase inpaint", {"model": "stability-erase", "operation": "inpaint",
                                     "images": ["@photo"], "mask": "@mask"},
        "operation", "does not support"),
    job("model: end of life, names the successor", {"model": "sdxl", "prompt": "a"}, "model",
        "'sd3.5-large'", code="model_retired"),
    # --- POST /jobs: masks -----------------------------------------------------------------------
    job("mask: another shape than the image", {**INPAINT, "mask": "@square_mask"}, "mask",
        "512x512", "640x480"),
    job("mask: on a model that takes none", {"model": "nova-2-omni",
                                             "operation": "image_to_image", "prompt": "a",
                                             "images": ["@photo"], "mask": "@mask"},
        "mask", "takes no mask image"),
    job("mask: on text_to_image", local(mask="@mask"), "mask", "takes no mask image"),
    job("mask: not an upload id", {**INPAINT, "mask": "../../etc/passwd"}, "mask",
        "no such upload"),
    job("mask: a number", {**INPAINT, "mask": 12345}, "mask", "no such upload"),
    job("mask: a list", {**INPAINT, "mask": ["@mask"]}, "mask", "valid string"),
    job("mask: without the source image", {**INPAINT, "images": [], "mask": "@mask"}, "images",
        "needs 1 source image"),
    job("mask_prompt: on stability-inpaint (image masks only)", {**INPAINT,
                                                                 "mask_prompt": "the vase"},
        "mask_prompt", "takes no mask_prompt"),
    job("images: eleven ids", local(images=["@photo"] * 11), "images", "no more than 10"),
    # --- POST /jobs: the account -----------------------------------------------------------------
    job("quota: more images than are left", local(n=2), None, "image", status=402,
        code="quota_exceeded", setup=("quota",)),
    job("account: past due", local(), "tenant", "past_due", status=402, code="tenant_inactive",
        setup=("past_due",)),
    # --- auth, methods, headers ------------------------------------------------------------------
    Case("auth: no key", 401, None, ("credentials",), json=local(), auth="anonymous",
         code="not_authenticated"),
    Case("auth: a made-up key", 401, None, ("Invalid",), json=local(), auth="bad_key",
         code="authentication_failed"),
    Case("auth: basic credentials", 401, None, (), json=local(), auth="basic"),
    Case("auth: read-only key posts", 403, None, ("write",), json=local(), auth="read_key",
         code="insufficient_scope", setup=("read_key",)),
    Case("method: PUT /jobs", 405, None, ("PUT",), method="PUT", json=local(),
         code="method_not_allowed"),
    Case("method: DELETE a job", 405, None, ("DELETE",), method="DELETE",
         path="/api/v1/jobs/00000000-0000-0000-0000-000000000000", code="method_not_allowed"),
    Case("header: Idempotency-Key of 300 characters", 400, "Idempotency-Key", ("255",),
         json=local(), headers={"Idempotency-Key": "k" * 300}),
    Case("header: Idempotency-Key reused for another body", 409, None, ("Idempotency-Key",),
         json=local(prompt="a different mug"), headers={"Idempotency-Key": "corpus-key-1"},
         code="idempotency_key_reused", setup=("prior_request",)),
    # --- path ids that are not UUIDs -------------------------------------------------------------
    get("id: GET /jobs/not-a-uuid", "/api/v1/jobs/not-a-uuid", "job", "no such job",
        status=404),
    get("id: cancel /jobs/12345", "/api/v1/jobs/12345/cancel", "job", "no such job",
        status=404, method="POST"),
    get("id: GET /assets/'; DROP TABLE", "/api/v1/assets/%27%3B%20DROP%20TABLE", "asset",
        "no such asset", status=404),
    get("id: promote /assets/0", "/api/v1/assets/0/promote", "asset", "no such asset",
        status=404, method="POST"),
    get("id: DELETE /webhooks/xyz", "/api/v1/webhooks/xyz", None, "no such", status=404,
        method="DELETE"),
    get("id: GET /batches/1e309/results", "/api/v1/batches/1e309/results", "batch",
        "no such batch", status=404),
    # --- list query parameters -------------------------------------------------------------------
    get("query: /assets?limit=-1", "/api/v1/assets?limit=-1", "limit", "1 to 200"),
    get("query: /templates?limit=1e3", "/api/v1/templates?limit=1e3", "limit", "1 to 200"),
    get("query: /webhooks?cursor=garbage", "/api/v1/webhooks?cursor=garbage", "cursor",
        "next or previous"),
    get("query: /batches?cursor=garbage", "/api/v1/batches?cursor=garbage", "cursor",
        "next or previous"),
    get("query: /assets?created_after=2026-02-30", "/api/v1/assets?created_after=2026-02-30",
        "created_after", "ISO 8601"),
    get("query: /templates?created_after=yesterday", "/api/v1/templates?created_after=yesterday",
        "created_after", "ISO 8601"),
    get("query: /webhooks?created_before=soon", "/api/v1/webhooks?created_before=soon",
        "created_before", "ISO 8601"),
    get("query: /batches?created_after=99999-01-01", "/api/v1/batches?created_after=99999-01-01",
        "created_after", "ISO 8601"),
    get("query: /batches?ordering=sku", "/api/v1/batches?ordering=sku", "ordering",
        "created_at"),
    get("query: /assets?job=not-a-uuid", "/api/v1/assets?job=not-a-uuid", "job",
        "not a valid value"),
    get("query: /assets?kind=video", "/api/v1/assets?kind=video", "kind", "upload"),
    get("query: /assets?kind= invalid UTF-8", "/api/v1/assets?kind=%FF%FE", "kind", "upload"),
    get("query: /usage?month=2026-13", "/api/v1/usage?month=2026-13", "month", "YYYY-MM"),
    get("query: /usage?month=-1", "/api/v1/usage?month=-1", "month", "YYYY-MM"),
    # --- POST /uploads ---------------------------------------------------------------------------
    upload("upload: corrupted PNG data", broken_png, "broken.png", "damaged"),
    upload("upload: truncated JPEG", truncated_jpeg, "cut.jpg", "damaged or truncated",
           content_type="image/jpeg"),
    upload("upload: 30000x30000 header", lambda: png_header(30000, 30000), "bomb.png",
           "40000000 pixels"),
    upload("upload: 1 x 50,000,000 strip", lambda: png_header(1, 50_000_000), "strip.png",
           "pixels"),
    upload("upload: a zip renamed .png", zip_named_png, "photo.png", "not an image"),
    upload("upload: SVG", SVG, "logo.svg", "not an image", content_type="image/svg+xml"),
    upload("upload: GIF", gif, "anim.gif", "PNG, JPEG or WebP (got GIF)",
           content_type="image/gif"),
    upload("upload: over 10 MiB", oversized_png, "big.png", "at most 10485760 bytes"),
    upload("upload: path-like name, not an image", b"root:x:0:0:root:/root:/bin/bash\n",
           "../../etc/passwd.png", "not an image"),
    Case("upload: two files", 400, "file", ("one file",), path="/api/v1/uploads",
         parts={"file": [("a.png", png_bytes(), "image/png"),
                         ("b.png", png_bytes((32, 32)), "image/png")]}),
    Case("upload: a file and base64 data", 400, "data", ("not both",), path="/api/v1/uploads",
         parts={"file": ("a.png", png_bytes(), "image/png"),
                "data": b64(png_bytes((20, 20)))}),
    upload_json("upload: base64 without padding", {"data": "aGVsbG8"}, "data",
                "not valid base64"),
    upload_json("upload: a data: URL", {"data": "data:image/png;base64," + b64(png_bytes())},
                "data", "not valid base64", "without the `data:"),
    upload_json("upload: base64 empty", {"data": ""}, "data", "blank"),
    upload_json("upload: base64 of text", {"data": b64(b"plain text")}, "file",
                "not an image"),
    upload_json("upload: base64 30000x30000 header",
                {"data": b64(png_header(30000, 30000)), "filename": "bomb.png"}, "file",
                "pixels"),
    Case("upload: base64 just over 10 MiB", 400, "file", ("at most 10485760 bytes",),
         path="/api/v1/uploads", raw=base64_just_over_the_byte_cap),
    Case("upload: base64 body over the body cap", 413, "body", ("at most",),
         path="/api/v1/uploads", raw=base64_over_the_body_cap, code="request_too_large"),
    upload_json("upload: filename of 201 characters",
                {"data": b64(png_bytes()), "filename": "f" * 201}, "filename", "200"),
    Case("upload: multipart without a boundary", 400, None, ("boundary",),
         path="/api/v1/uploads", raw=b"--x\r\n", content_type="multipart/form-data",
         code="invalid_request"),
    Case("upload: raw image/png body", 415, None, ("image/png",), path="/api/v1/uploads",
         raw=png_bytes(), content_type="image/png", code="unsupported_media_type"),
    # --- POST /batches ---------------------------------------------------------------------------
    batch_csv("batch csv: invalid UTF-8 in the header", b"sku,pr\xf6mpt\nA,a vase\n", None,
              "not UTF-8"),
    batch_csv("batch csv: a header only", b"sku,prompt\n", None, "no rows"),
    batch_csv("batch csv: 10,001 rows", lambda: csv_rows(10_001), None, "at most 10000 rows",
              "10001"),
    batch_csv("batch csv: 20 MB", csv_of_20_mb, "file", "at most 10485760 bytes per CSV",
              code="invalid_parameter"),
    batch_csv("batch csv: a PNG sent as CSV", png_bytes, None, "UTF-8"),
    batch_csv("batch csv: n of 2**63 in a cell", f"sku,prompt,n\nA,a vase,{2**63}\n".encode(),
              "n", "less than or equal to"),
    batch_csv("batch csv: unknown query option", b"sku,prompt\nA,a vase\n", "colour",
              "unknown field", query="model=local&colour=red", code="invalid_parameter"),
    Case("batch: multipart without a file", 400, "file", ("multipart file",),
         path="/api/v1/batches", parts={"model": "local"}),
    Case("batch json: 20 MB", 413, "body", ("at most",), path="/api/v1/batches",
         raw=batch_json_of_20_mb, code="request_too_large"),
    Case("batch json: 10,001 items", 400, None, ("at most 10000 rows",), path="/api/v1/batches",
         json={"model": "local", "items": [{"sku": f"S{i}", "prompt": "a"}
                                           for i in range(10_001)]},
         code="invalid_batch"),
    Case("batch json: top-level number", 400, None, ("JSON object",), path="/api/v1/batches",
         json=5, code="invalid_request"),
    Case("batch json: items of strings", 400, None, ("expected an object",),
         path="/api/v1/batches", json={"model": "local", "items": ["a vase", "a jug"]},
         code="invalid_batch"),
    Case("batch: application/xml", 415, None, ("application/xml",), path="/api/v1/batches",
         raw=b"<batch/>", content_type="application/xml", code="unsupported_media_type"),
    # --- POST and PATCH /templates ---------------------------------------------------------------
    template("template: a top-level list", [{"name": "t", "prompt": "a"}], None, "dictionary"),
    template("template: a slot that is not a name", {"name": "t", "prompt": "a {0} vase"},
             "prompt", "plain name"),
    template("template: an unclosed brace", {"name": "t", "prompt": "a {subject vase"}, "prompt",
             "{{"),
    template("template: size for its model", {"name": "t", "prompt": "a", "model": "local",
                                              "size": "-1x5"},
             "size", "1024x1024"),
    template("template: aspect_ratio for its model", {"name": "t", "prompt": "a",
                                                      "model": "sd3.5-large",
                                                      "aspect_ratio": "7:3"},
             "aspect_ratio", "16:9"),
    template("template: quality the model lacks", {"name": "t", "prompt": "a",
                                                   "model": "sd3.5-large", "quality": "premium"},
             "quality", "takes no quality"),
    template("template: a parameter out of range", {"name": "t", "prompt": "a",
                                                    "model": "nova-2-omni",
                                                    "params": {"temperature": 7}},
             "params.temperature", "between 0 and 1"),
    template("template: an unknown parameter", {"name": "t", "prompt": "a", "model": "local",
                                                "params": {"steps": 30}},
             "params.steps", "has no parameter"),
    template("template: size without a model", {"name": "t", "prompt": "a", "size": "huge"},
             "size", "1024x1024"),
    template("template: name taken", {"name": "studio", "prompt": "a"}, "name",
             "exists already", status=409, code="conflict"),
    Case("template: text/plain", 415, None, ("text/plain",), path="/api/v1/templates",
         raw=b"name=t&prompt=a", content_type="text/plain", code="unsupported_media_type"),
    template("patch: unknown model", {"model": "nova-3"}, "model", "unknown model",
             method="PATCH"),
    template("patch: size for its model", {"model": "local", "size": "4096x4096"}, "size",
             "between 64 and 2048", method="PATCH"),
    template("patch: operation unknown", {"operation": "teleport"}, "operation", "teleport",
             method="PATCH"),
    template("patch: an empty prompt", {"prompt": "   "}, "prompt", "blank", method="PATCH"),
    template("patch: another template's name", {"name": "other"}, "name", "exists already",
             status=409, method="PATCH", setup=("second_template",)),
    template("patch: slot_defaults a list", {"slot_defaults": ["white marble"]},
             "slot_defaults", "object", method="PATCH"),
    Case("patch: a template id that is not a UUID", 404, None, ("no such",), method="PATCH",
         path="/api/v1/templates/../../etc", json={"name": "x"}),
    # --- POST /webhooks --------------------------------------------------------------------------
    webhook("webhook: file: URL", {"url": "file:///etc/passwd", "events": ["job.succeeded"]},
            "url", "https"),
    webhook("webhook: URL of 2001 characters", {"url": PUBLIC + "/" + "a" * 2000,
                                                 "events": ["job.succeeded"]},
            "url", "2000"),
    webhook("webhook: unknown event", {"url": PUBLIC, "events": ["job.exploded"]}, "events",
            "job.exploded"),
    webhook("webhook: events empty", {"url": PUBLIC, "events": []}, "events", "non-empty"),
    webhook("webhook: events a string", {"url": PUBLIC, "events": "job.succeeded"}, "events",
            "list"),
    webhook("webhook: events of numbers", {"url": PUBLIC, "events": [1, 2]}, "events",
            "unknown event"),
    webhook("webhook: description of 201 characters", {"url": PUBLIC,
                                                       "events": ["job.failed"],
                                                       "description": "d" * 201},
            "description", "200"),
    webhook("webhook: a top-level string", "https://93.184.215.14/atelier", None, "dictionary"),
    webhook("webhook: an unknown field", {"url": PUBLIC, "events": ["job.failed"],
                                          "secret": "mine"},
            "secret", "unknown field"),
    # --- manage.py generate ----------------------------------------------------------------------
    cli("cli: --size negative", *gen("--size=-5x5"), field="size", words=("1024x1024",)),
    cli("cli: --size huge", *gen("--size", "4096x4096"), field="size",
        words=("between 64 and 2048",)),
    cli("cli: --n not a number", *gen("--n", "four"), words=("--n", "invalid int value")),
    cli("cli: --n 2**63", *gen("--n", str(2**63)), field="n", words=("less than or equal",)),
    cli("cli: --n -1", *gen("--n", "-1"), field="n", words=("between 1 and 16",)),
    cli("cli: --seed 1e3", *gen("--seed", "1e3"), words=("--seed", "invalid int value")),
    cli("cli: --seed over the model's range", *gen("--seed", "4294967296"), field="seed",
        words=("4294967295",)),
    cli("cli: --param not NAME=VALUE", *gen("--param", "output_format"), field="params",
        words=("NAME=VALUE",)),
    cli("cli: --param of broken JSON", *gen("--param", "output_format=[png"),
        field="params.output_format", words=("not valid JSON",)),
    cli("cli: --prompt over the model's limit", *gen("--prompt", "p" * 2001), field="prompt",
        words=("at most 2000",)),
    cli("cli: --image missing file", *gen("--model", "nova-2-omni", "--operation",
                                          "image_to_image", "--image", "@missing"),
        field="images[0]", words=("cannot read", "No such file")),
    cli("cli: --image a directory", *gen("--model", "nova-2-omni", "--operation",
                                         "image_to_image", "--image", "@dir"),
        field="images[0]", words=("cannot read",)),
    cli("cli: --image not an image", *gen("--model", "nova-2-omni", "--operation",
                                          "image_to_image", "--image", "@file:notes.txt"),
        field="images[0]", words=("notes.txt", "not an image")),
    cli("cli: --image empty", *gen("--model", "nova-2-omni", "--operation", "image_to_image",
                                   "--image", "@file:empty.png"),
        field="images[0]", words=("is empty",)),
    cli("cli: --image a decompression bomb", *gen("--model", "nova-2-omni", "--operation",
                                                  "image_to_image", "--image", "@file:bomb.png"),
        field="images[0]", words=("pixels",)),
    cli("cli: --image truncated JPEG", *gen("--model", "nova-2-omni", "--operation",
                                            "image_to_image", "--image", "@file:cut.jpg"),
        field="images[0]", words=("damaged or truncated",)),
    cli("cli: --image a GIF", *gen("--model", "nova-2-omni", "--operation", "image_to_image",
                                   "--image", "@file:anim.gif"),
        field="images[0]", words=("got GIF",)),
    cli("cli: --image a zip", *gen("--model", "nova-2-omni", "--operation", "image_to_image",
                                   "--image", "@file:zip.png"),
        field="images[0]", words=("not an image",)),
    cli("cli: --image fine, --size bad (the upload is not kept)",
        *gen("--model", "stable-image-ultra", "--operation", "image_to_image",
             "--image", "@file:photo.png", "--size", "1024x1024"),
        field="size", words=("keeps the source",)),
    cli("cli: --mask another shape than the image",
        *gen("--model", "stability-inpaint", "--operation", "inpaint",
             "--image", "@file:photo.png", "--mask", "@file:square.png"),
        field="mask", words=("512x512", "640x480")),
    cli("cli: --mask not an image", *gen("--model", "stability-inpaint", "--operation", "inpaint",
                                         "--image", "@file:photo.png",
                                         "--mask", "@file:notes.txt"),
        field="mask", words=("notes.txt", "not an image")),
    cli("cli: --mask for a model that takes none", *gen("--model", "nova-2-omni", "--operation",
                                                        "image_to_image",
                                                        "--image", "@file:photo.png",
                                                        "--mask", "@file:square.png"),
        field="mask", words=("takes no mask image",)),
    cli("cli: --operation a model lacks", *gen("--operation", "upscale"), field="operation",
        words=("does not support",)),
    cli("cli: --model unknown", *gen("--model", "dall-e"), field="model",
        words=("unknown model",)),
    cli("cli: --tenant unknown", "generate", "--tenant", "nobody", "--model", "local",
        "--prompt", "a", field="tenant", words=("nobody",)),
    cli("cli: --stage published", *gen("--stage", "published"),
        words=("--stage", "invalid choice")),
    cli("cli: --size and --aspect-ratio", *gen("--size", "256x256", "--aspect-ratio", "1:1"),
        words=("not allowed with",)),
    # --- manage.py run_batch ---------------------------------------------------------------------
    cli("run_batch: missing file", "run_batch", "--tenant", "acme", "@missing", field="file",
        words=("cannot read",)),
    cli("run_batch: a directory", "run_batch", "--tenant", "acme", "@dir", field="file",
        words=("cannot read",)),
    cli("run_batch: not UTF-8", "run_batch", "--tenant", "acme", "--model", "local",
        "@file:latin1.csv", words=("row 3", "not UTF-8")),
    cli("run_batch: a header only", "run_batch", "--tenant", "acme", "--model", "local",
        "@file:header-only.csv", words=("no rows",)),
    cli("run_batch: a PNG", "run_batch", "--tenant", "acme", "--model", "local",
        "@file:image.csv", words=("UTF-8",)),
    cli("run_batch: a bad row", "run_batch", "--tenant", "acme", "--model", "local",
        "@file:rows.csv", words=("row 2, column n", "between 1 and 16")),
    cli("run_batch: a formula where a number goes", "run_batch", "--tenant", "acme", "--model",
        "local", "@file:formula.csv", words=("row 2, column seed", "integer")),
    cli("run_batch: unknown model", "run_batch", "--tenant", "acme", "--model", "dall-e",
        "@file:rows.csv", words=("unknown model",)),
]

assert len({case.name for case in CASES}) == len(CASES), "case names must be unique"
