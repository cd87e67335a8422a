"""Upload memory: bodies over a view's limit are refused by Content-Length before any of them
is read, chunked bodies are cut off at the limit, files stay on disk, and images are checked
without decoding more than they must (core.body_limits, assets.uploads)."""

from __future__ import annotations

import io
import struct
import uuid
import zlib
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.http.multipartparser import MultiPartParser
from django.test import RequestFactory
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse
from PIL import Image, ImageFile, JpegImagePlugin, PngImagePlugin

from assets import uploads
from assets.models import Asset
from core.body_limits import CappedUploadHandler, body_too_large, room_for
from core.errors import InvalidParameter, RequestTooLarge
from tenants.services import ensure_owner
from tests.helpers import encoded, png_bytes, png_header, signed_in

ANNOUNCED = 400 * 1024 * 1024  # the 400 MB upload


@pytest.fixture(autouse=True)
def own_media_root(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "media"), "allow_overwrite": True}}}


class Unreadable:
    """A request body that fails the test if anything reads it."""

    def read(self, *args: Any) -> bytes:
        raise AssertionError("the body was read")

    readline = read


class Endless:
    """A body of `head`, then b"A" without end, counting what is read: a client streaming far
    more than any limit."""

    def __init__(self, head: bytes = b"") -> None:
        self.head, self.read_bytes = head, 0

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            raise AssertionError("the whole body was asked for")
        start, self.read_bytes = self.read_bytes, self.read_bytes + size
        head = self.head[start:start + size]
        return head + b"A" * (size - len(head))

    readline = read


class Chunked(io.BytesIO):
    """A chunked body as gunicorn hands it on: no Content-Length, read to its end."""

    read_bytes = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.read_bytes += len(data)
        return data


def chunked(stream: Any) -> dict[str, Any]:
    return {"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input_terminated": True,
            "wsgi.input": stream}


def multipart(data: bytes, name: str = "image.png") -> bytes:
    return encode_multipart(BOUNDARY, {"file": SimpleUploadedFile(name, data, "image/png")})


def file_part_head() -> bytes:
    """A multipart body up to the start of its file's data (the rest: endless filler)."""
    body = multipart(b"")
    return body[:body.index(b"\r\n\r\n") + 4]


def upload_limit() -> int:
    return uploads.max_request_bytes()


def assert_too_large(response: Any, limit: int) -> None:
    assert response.status_code == 413, response.content
    body = response.json()
    assert (body["code"], body["field"]) == ("request_too_large", "body")
    assert f"at most {limit} bytes" in body["message"]


# --- refused by Content-Length, before the body is read -----------------------------------------

@pytest.mark.parametrize("content_type", [MULTIPART_CONTENT, "application/json"])
def test_an_upload_announced_at_400_mb_is_refused_unread(owner, acme, content_type):
    response = owner.generic("POST", "/api/v1/uploads", b"", content_type=content_type,
                             CONTENT_LENGTH=str(ANNOUNCED), **{"wsgi.input": Unreadable()})
    assert_too_large(response, upload_limit())
    message = response.json()["message"]
    assert f"this one is {ANNOUNCED} bytes" in message
    assert f"an image may be at most {settings.ATELIER_UPLOAD_MAX_BYTES} bytes" in message
    assert not Asset.objects.for_tenant(acme.tenant).exists()


def test_the_limit_holds_before_authentication(anonymous, acme):
    response = anonymous.generic("POST", "/api/v1/uploads", b"", content_type=MULTIPART_CONTENT,
                                 CONTENT_LENGTH=str(ANNOUNCED), **{"wsgi.input": Unreadable()})
    assert_too_large(response, upload_limit())


def test_a_body_just_over_the_limit_is_refused_and_one_at_it_is_read(owner, acme):
    limit = upload_limit()
    over = owner.generic("POST", "/api/v1/uploads", b"", content_type=MULTIPART_CONTENT,
                         CONTENT_LENGTH=str(limit + 1), **{"wsgi.input": Unreadable()})
    assert_too_large(over, limit)
    body = multipart(png_bytes())
    at = owner.generic("POST", "/api/v1/uploads", body, content_type=MULTIPART_CONTENT)
    assert at.status_code == 201, at.content


@pytest.mark.parametrize("content_type", [MULTIPART_CONTENT, "application/json"])
def test_a_batch_announced_at_400_mb_is_refused_unread(owner, acme, content_type):
    response = owner.generic("POST", "/api/v1/batches", b"", content_type=content_type,
                             CONTENT_LENGTH=str(ANNOUNCED), **{"wsgi.input": Unreadable()})
    assert_too_large(response, room_for(settings.ATELIER_BATCH_MAX_BYTES))
    assert f"a CSV may be at most {settings.ATELIER_BATCH_MAX_BYTES}" in response.json()[
        "message"]


def test_a_csv_body_over_the_csv_limit_gets_the_csvs_own_error_unread(owner, acme):
    """A text/csv body is the CSV itself: its documented 400 (the bad-input corpus's), now
    given by the Content-Length."""
    response = owner.generic("POST", "/api/v1/batches?model=local", b"", content_type="text/csv",
                             CONTENT_LENGTH=str(ANNOUNCED), **{"wsgi.input": Unreadable()})
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == ("invalid_parameter", "file")
    assert f"at most {settings.ATELIER_BATCH_MAX_BYTES} bytes per CSV" in body["message"]


@pytest.fixture
def browser(acme):
    user, _ = ensure_owner(acme.tenant, "owner@acme.test", "correct horse battery")
    return signed_in(user)


@pytest.mark.parametrize("page", ["refine", "new batch"])
def test_the_dashboards_forms_are_refused_unread(browser, page):
    if page == "refine":  # the painted mask comes as a data URL in a form field
        url = reverse("dashboard-refine", args=["acme", uuid.uuid4()])
        content_type, limit = "application/x-www-form-urlencoded", upload_limit()
    else:
        url = reverse("dashboard-batch-new", args=["acme"])
        content_type, limit = MULTIPART_CONTENT, room_for(settings.ATELIER_BATCH_MAX_BYTES)
    response = browser.generic("POST", url, b"", CONTENT_TYPE=content_type,
                               CONTENT_LENGTH=str(ANNOUNCED), **{"wsgi.input": Unreadable()})
    assert_too_large(response, limit)


# --- chunked bodies: spooled with a hard cap ----------------------------------------------------

def test_a_chunked_upload_past_the_limit_is_cut_off_and_refused(owner, acme):
    body = Endless(head=file_part_head())
    response = owner.generic("POST", "/api/v1/uploads", b"", content_type=MULTIPART_CONTENT,
                             **chunked(body))
    assert_too_large(response, upload_limit())
    assert "this one is larger" in response.json()["message"]
    assert upload_limit() < body.read_bytes <= upload_limit() + 1
    assert not Asset.objects.for_tenant(acme.tenant).exists()


def test_a_chunked_upload_under_the_limit_is_stored(owner, acme):
    body = Chunked(multipart(png_bytes((80, 60))))
    response = owner.generic("POST", "/api/v1/uploads", b"", content_type=MULTIPART_CONTENT,
                             **chunked(body))
    assert response.status_code == 201, response.content
    assert (response.json()["width"], response.json()["height"]) == (80, 60)


def test_a_chunked_json_upload_past_the_limit_is_cut_off(owner, acme):
    body = Endless(head=b'{"data": "')
    response = owner.generic("POST", "/api/v1/uploads", b"", content_type="application/json",
                             **chunked(body))
    assert_too_large(response, upload_limit())
    assert body.read_bytes <= upload_limit() + 1


def test_a_chunked_csv_past_the_limit_gets_the_csv_error(owner, acme, settings):
    settings.ATELIER_BATCH_MAX_BYTES = 5000
    body = Endless(head=b"sku,prompt\n")
    response = owner.generic("POST", "/api/v1/batches?model=local", b"", content_type="text/csv",
                             **chunked(body))
    assert (response.status_code, response.json()["field"]) == (400, "file")
    assert body.read_bytes <= 5001


def test_a_body_without_length_that_is_not_chunked_is_not_read(owner, acme):
    """What Django always did: no Content-Length and no chunked framing means no body."""
    response = owner.generic("POST", "/api/v1/uploads", b"", content_type=MULTIPART_CONTENT,
                             **{"wsgi.input": Unreadable()})
    assert response.status_code == 400
    assert response.json()["field"] == "file"


# --- lying Content-Length -----------------------------------------------------------------------

def test_a_content_length_under_the_body_is_all_that_is_read(owner, acme):
    """A client announcing 1 MB and sending 400: Django reads the 1 MB; the file is cut."""
    body = Endless(head=multipart(b"not an image, and far longer than announced"))
    response = owner.generic("POST", "/api/v1/uploads", b"", content_type=MULTIPART_CONTENT,
                             CONTENT_LENGTH=str(1024 * 1024), **{"wsgi.input": body})
    assert response.status_code == 400, response.content
    assert body.read_bytes <= 1024 * 1024
    assert not Asset.objects.for_tenant(acme.tenant).exists()


def test_the_upload_handler_stops_a_file_past_the_cap_whatever_the_length_says():
    """Where the stream is not bounded by the Content-Length (ASGI reads a body to its end),
    the handler is the hard cap: it stops within one chunk past it and refuses."""
    request = RequestFactory().post("/api/v1/uploads")
    cap = 256 * 1024
    refusal = RequestTooLarge("body: too large", field="body")
    handler = CappedUploadHandler(request, cap, lambda *_: refusal)
    body = Endless(head=file_part_head())
    meta = {"CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": "1000"}  # the lie
    with pytest.raises(RequestTooLarge):
        MultiPartParser(meta, body, [handler]).parse()
    assert cap < body.read_bytes <= cap + 2 * handler.chunk_size
    assert handler.file.closed


class Reads:
    """Stands in for an uploaded file's own file object, noting the size of every read."""

    def __init__(self, file: Any) -> None:
        self.file, self.sizes = file, []

    def read(self, size: int = -1) -> bytes:
        self.sizes.append(size)
        return self.file.read(size)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.file, name)


def test_every_file_goes_to_disk_and_is_never_read_whole(owner, acme, monkeypatch):
    seen: list[Any] = []
    create = uploads.create_upload

    def spy(tenant: Any, source: Any, **options: Any) -> Any:
        source.file = Reads(source.file)
        seen.append(source)
        return create(tenant, source, **options)

    monkeypatch.setattr("api.uploads.create_upload", spy)
    data = encoded(Image.effect_noise((200, 150), 40).convert("RGB"), "PNG")
    response = owner.post("/api/v1/uploads", {"file": SimpleUploadedFile(
        "noise.png", data, "image/png")}, format="multipart")
    assert response.status_code == 201, response.content
    assert isinstance(seen[0], TemporaryUploadedFile)  # on disk, small as it is
    sizes = seen[0].file.sizes
    assert sizes and all(0 <= size <= uploads.CHUNK for size in sizes), sizes


def test_the_refusal_names_the_limit():
    error = body_too_large(1000, 5000, "an image may be at most 10 bytes")
    assert error.as_dict() == {"code": "request_too_large", "field": "body", "message":
                               "body: at most 1000 bytes (this one is 5000 bytes); an image "
                               "may be at most 10 bytes"}


# --- decoding: the pixel cap from the header, each format as small as it allows ---------------

@pytest.fixture
def no_full_decode(monkeypatch):
    """Pillow may open headers but must not decode a PNG."""
    def refuse(self: Any) -> Any:
        raise AssertionError(f"{self.format} decoded whole")

    monkeypatch.setattr(PngImagePlugin.PngImageFile, "load", refuse)


def test_a_header_over_the_pixel_cap_is_refused_without_decoding(owner, acme, monkeypatch,
                                                                  no_full_decode):
    monkeypatch.setattr(ImageFile.ImageFile, "load",
                        lambda self: pytest.fail("decoded a bomb"))
    monkeypatch.setattr(uploads, "check_png_data", lambda *_: pytest.fail("inflated a bomb"))
    bomb = png_header(20000, 20000)  # 400 million pixels declared, 64 bytes of data
    with pytest.raises(InvalidParameter, match="at most 40000000 pixels"):
        uploads.inspect_image(bomb)  # (Pillow's own bomb check comes first, at 2 x 89 MP)
    with pytest.raises(InvalidParameter, match=r"at most 40000000 pixels \(got 8000x6000\)"):
        uploads.inspect_image(png_header(8000, 6000))  # over Atelier's cap only
    response = owner.post("/api/v1/uploads", {"file": SimpleUploadedFile(
        "bomb.png", bomb, "image/png")}, format="multipart")
    assert response.status_code == 400
    assert "at most 40000000 pixels" in response.json()["message"]


def test_a_png_is_checked_without_pillow_decoding_it(owner, acme, no_full_decode):
    data = encoded(Image.effect_noise((300, 200), 40).convert("RGB"), "PNG")
    response = owner.post("/api/v1/uploads", {"file": SimpleUploadedFile(
        "noise.png", data, "image/png")}, format="multipart")
    assert response.status_code == 201, response.content
    assert (response.json()["width"], response.json()["height"]) == (300, 200)


def test_a_jpeg_is_decoded_at_an_eighth_and_keeps_its_size(owner, acme, monkeypatch):
    decoded: list[tuple[int, int]] = []
    load = JpegImagePlugin.JpegImageFile.load

    def spy(self: Any) -> Any:
        decoded.append(self.size)
        return load(self)

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "load", spy)
    data = encoded(Image.effect_noise((1600, 1200), 30).convert("RGB"), "JPEG")
    response = owner.post("/api/v1/uploads", {"file": SimpleUploadedFile(
        "photo.jpg", data, "image/jpeg")}, format="multipart")
    assert response.status_code == 201, response.content
    assert (response.json()["width"], response.json()["height"]) == (1600, 1200)
    assert decoded == [(200, 150)]
    asset = Asset.objects.for_tenant(acme.tenant).get()
    assert asset.bytes == len(data) and (asset.width, asset.height) == (1600, 1200)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_each_format_is_accepted_and_stored_byte_for_byte(acme, fmt):
    data = encoded(Image.effect_noise((120, 90), 50).convert("RGB"), fmt)
    asset = uploads.create_upload(acme.tenant, io.BytesIO(data), filename=f"x.{fmt}")
    assert (asset.width, asset.height, asset.bytes) == (120, 90, len(data))
    from django.core.files.storage import default_storage

    with default_storage.open(asset.storage_key, "rb") as handle:
        assert handle.read() == data


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_gps_is_removed_from_png_and_webp_too(acme, fmt):
    exif = Image.Exif()
    exif[0x010F] = "ACME camera"
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.0)}
    data = encoded(Image.new("RGB", (40, 30), (9, 99, 9)), fmt, exif=exif.tobytes())
    asset = uploads.create_upload(acme.tenant, data)
    from django.core.files.storage import default_storage

    with default_storage.open(asset.storage_key, "rb") as handle:
        kept = Image.open(io.BytesIO(handle.read())).getexif()
    assert 0x8825 not in kept and kept[0x010F] == "ACME camera"


# --- the PNG check agrees with Pillow's decoder --------------------------------------------------

def chunk(kind: bytes, payload: bytes) -> bytes:
    return (struct.pack(">I", len(payload)) + kind + payload
            + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF))


def raw_png(width: int, height: int, rows: bytes, *, colour: int = 2, depth: int = 8,
            interlace: int = 0, idat: bytes | None = None, after: bytes = b"",
            end: bool = True) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, interlace)
    data = zlib.compress(rows) if idat is None else idat
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + after
            + (chunk(b"IEND", b"") if end else b""))


def rows_of(width: int, height: int, filters: bytes = b"\x00", channels: int = 3) -> bytes:
    return b"".join(bytes([filters[y % len(filters)]]) + bytes(range(width * channels))[
        :width * channels].ljust(width * channels, b"\x07") for y in range(height))


def interlaced(width: int, height: int) -> bytes:
    """The filtered scanlines of an Adam7-interlaced 8-bit RGB image (Pillow writes none)."""
    out = b""
    for x, y, dx, dy in uploads.ADAM7:
        if width > x and height > y:
            out += rows_of((width - x + dx - 1) // dx, (height - y + dy - 1) // dy, b"\x01")
    return out


def animated() -> bytes:
    frames = [Image.new("RGB", (16, 16), colour) for colour in ((255, 0, 0), (0, 0, 255))]
    return encoded(frames[0], "PNG", save_all=True, append_images=frames[1:])


GOOD = raw_png(20, 10, rows_of(20, 10, b"\x00\x01\x02\x03\x04"))
PNG_CASES = {
    "all five filter types": GOOD,
    "interlaced": raw_png(13, 11, interlaced(13, 11), interlace=1),
    "16-bit grey": raw_png(9, 7, rows_of(9, 7, channels=2), colour=0, depth=16),
    "1-bit": raw_png(17, 5, b"".join(b"\x00\xaa\x55\x80" for _ in range(5)), colour=0,
                     depth=1),
    "a filter type of 5": raw_png(20, 10, rows_of(20, 10, b"\x00\x05")),
    "cut inside the image data": GOOD[:60],
    "compressed data that is garbage": raw_png(20, 10, b"", idat=b"\x78\x9c" + b"\xff" * 40),
    "a bad checksum at the end": raw_png(20, 10, b"", idat=zlib.compress(
        rows_of(20, 10))[:-1] + b"\x00"),
    "rows missing, the stream ended (Pillow takes it)": raw_png(20, 10, rows_of(20, 4)),
    "no IEND": raw_png(20, 10, rows_of(20, 10), end=False),
    "a text chunk after the image": raw_png(20, 10, rows_of(20, 10), after=chunk(
        b"tEXt", b"Comment\x00made here")),
    "a private chunk after the image, cut short": raw_png(20, 10, rows_of(20, 10), after=chunk(
        b"prIv", b"x" * 40)[:20], end=False),
    "a text chunk inside the image data": (
        lambda data: raw_png(20, 10, b"", idat=data[:30], after=chunk(b"tEXt", b"a\x00b")
                             + chunk(b"IDAT", data[30:])))(zlib.compress(rows_of(20, 10))),
    "animated": animated(),
    "large, many pieces": encoded(Image.effect_noise((700, 500), 60).convert("RGB"), "PNG"),
}


def pillow_accepts(data: bytes) -> bool:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except Exception:
        return False
    return True


@pytest.mark.parametrize("name", PNG_CASES)
def test_the_png_check_refuses_what_pillow_refuses(name):
    data = PNG_CASES[name]
    try:
        uploads.inspect_image(data)
    except InvalidParameter as refused:
        assert not pillow_accepts(data), refused.message
        assert "damaged or truncated" in refused.message or "not an image" in refused.message
    else:
        assert pillow_accepts(data)


# --- whole decodes share a per-process budget ----------------------------------------------------

def test_whole_decodes_wait_for_room_in_the_pixel_budget(settings):
    import threading

    settings.ATELIER_UPLOAD_MAX_PIXELS = 100
    budget = uploads.PixelBudget()
    first_in, second_in, release = threading.Event(), threading.Event(), threading.Event()

    def first() -> None:
        with budget.holding(80):
            first_in.set()
            release.wait(5)

    def second() -> None:
        with budget.holding(50):
            second_in.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    threads[0].start()
    assert first_in.wait(5)
    threads[1].start()
    assert not second_in.wait(0.2)  # 80 + 50 > 100: it waits
    release.set()
    assert second_in.wait(5)
    for thread in threads:
        thread.join(5)
    with budget.holding(10**9):  # larger than the budget: alone, but not forever refused
        pass


@pytest.mark.parametrize(("fmt", "options", "whole"), [
    ("JPEG", {}, False), ("JPEG", {"progressive": True}, True), ("PNG", {}, False),
    ("WEBP", {}, True)])
def test_only_decodes_that_hold_the_whole_image_take_from_the_budget(monkeypatch, fmt, options,
                                                                     whole):
    taken: list[int] = []
    holding = uploads.WHOLE_DECODES.holding

    def spy(pixels: int) -> Any:
        manager = holding(pixels)

        class Noted:
            def __enter__(self) -> None:
                taken.append(pixels)
                manager.__enter__()

            def __exit__(self, *exc: Any) -> None:
                manager.__exit__(*exc)

        return Noted()

    monkeypatch.setattr(uploads.WHOLE_DECODES, "holding", spy)
    data = encoded(Image.effect_noise((160, 120), 40).convert("RGB"), fmt, **options)
    uploads.inspect_image(data)
    assert taken == ([160 * 120] if whole else [])
