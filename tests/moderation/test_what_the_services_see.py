"""What the moderation services are sent and what their answer is recorded as (found by
`make mutate`): an image Rekognition cannot take (not PNG/JPEG) goes as a JPEG of at most
2048 pixels a side, and a label's confidence is kept to two decimals, not rounded to a whole
number."""

from __future__ import annotations

import io

from PIL import Image

from generation.runner import run_job
from moderation.services import _for_services
from tests.fakes.rekognition import RekognitionDouble, label
from tests.helpers import png_bytes


def test_an_image_the_services_cannot_take_goes_as_a_jpeg_of_at_most_2048_a_side():
    data = png_bytes((3000, 1000), fmt="WEBP")
    sent, kind = _for_services(data)
    image = Image.open(io.BytesIO(sent))
    assert (kind, image.format) == ("jpeg", "JPEG")
    assert image.size == (2048, 683)


def test_a_png_under_the_limit_goes_as_it_is():
    data = png_bytes((300, 200))
    assert _for_services(data) == (data, "png")


def test_a_labels_confidence_is_recorded_to_two_decimals(acme, submit, settings,
                                                         rekognition_double: RekognitionDouble):
    settings.ATELIER_REKOGNITION = True
    rekognition_double.labels = [label("Violence", 62.37)]
    job = submit(n=1)
    run_job(job.pk)
    asset = job.assets.get()
    from moderation.models import AuditEvent

    record = AuditEvent.objects.filter(asset=asset).order_by("pk").first()
    assert record is not None
    confidences = [item["confidence"] for item in record.details["labels"]]
    assert confidences == [62.37]


def test_a_jpeg_under_the_limit_goes_as_it_is():
    data = png_bytes((300, 200), fmt="JPEG")
    assert _for_services(data) == (data, "jpeg")


def test_an_image_of_exactly_the_limit_goes_as_it_is():
    """Rekognition takes up to 5 MB: a PNG of exactly that many bytes is not re-encoded."""
    import struct
    import zlib

    from moderation.services import REKOGNITION_MAX_BYTES

    data = png_bytes((300, 200))
    padding = REKOGNITION_MAX_BYTES - len(data) - 12  # a private chunk: length, type, CRC
    chunk = b"atLr" + bytes(padding)
    padded = (data[:-12] + struct.pack(">I", padding) + chunk
              + struct.pack(">I", zlib.crc32(chunk)) + data[-12:])
    assert len(padded) == REKOGNITION_MAX_BYTES
    assert _for_services(padded) == (padded, "png")
    sent, kind = _for_services(padded + b"\0")  # a byte over: re-encoded
    assert kind == "jpeg" and len(sent) < REKOGNITION_MAX_BYTES


def test_a_transparent_or_tall_image_goes_as_an_rgb_jpeg_of_quality_90():
    """(found by `make mutate`: the RGB conversion, the height of the box and the quality)"""
    data = png_bytes((1000, 3000), (10, 200, 90, 128), mode="RGBA", fmt="WEBP")
    sent, kind = _for_services(data)
    image = Image.open(io.BytesIO(sent))
    assert (kind, image.format, image.mode, image.size) == ("jpeg", "JPEG", "RGB", (683, 2048))
    reference = io.BytesIO()
    Image.new("RGB", (64, 64)).save(reference, "JPEG", quality=90)
    assert image.quantization == Image.open(reference).quantization
