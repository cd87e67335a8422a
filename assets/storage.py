"""Where asset bytes live: a private S3 bucket (production) or var/media (embedded default).

Every S3 object is written private, encrypted at rest (SSE-S3 `AES256`, or SSE-KMS with
ATELIER_KMS_KEY_ID; see settings.STORAGES) and with Atelier's metadata and tags (`stage`,
`tenant`); a bucket lifecycle rule on `stage=draft` expires drafts. The filesystem has no
metadata or tags, so there those calls do nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any
from urllib.parse import urlencode

from django.core.files.storage import storages
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

_extras: ContextVar[dict[str, Any] | None] = ContextVar("atelier_object_extras", default=None)


class PrivateS3Storage(S3Storage):
    """S3Storage whose uploads carry the metadata and tags of the `object_extras` block."""

    def get_object_parameters(self, name: str) -> dict[str, Any]:
        return {**super().get_object_parameters(name), **(_extras.get() or {})}

    def _save(self, name: str, content: Any) -> str:
        """An object below the multipart threshold (every image Atelier stores) in one
        PutObject with the same parameters: the request upload_fileobj makes for it, without
        s3transfer's thread pool and futures around it (3 ms of CPU an object, measured);
        anything larger as django-storages does it."""
        size = getattr(content, "size", None)
        if size is None or size >= self.transfer_config.multipart_threshold or self.gzip:
            return str(super()._save(name, content))
        cleaned = clean_name(name)
        key = self._normalize_name(cleaned)
        params = self._get_write_parameters(key, content)
        content.seek(0)
        self.connection.meta.client.put_object(Bucket=self.bucket_name, Key=key,
                                               Body=content.read(), **params)
        return str(cleaned)


def s3_storage() -> S3Storage | None:
    """The default storage when it is the bucket (the same object as `default_storage`), else
    None: files on disk."""
    storage = storages["default"]
    return storage if isinstance(storage, S3Storage) else None


def on_s3() -> bool:
    return s3_storage() is not None


@contextmanager
def object_extras(*, metadata: Mapping[str, str], tags: Mapping[str, str],
                  content_type: str | None = None) -> Iterator[None]:
    """Objects saved inside the block get this metadata, these tags and content type."""
    extras: dict[str, Any] = {
        "Metadata": {k: str(v) for k, v in metadata.items()},
        "Tagging": urlencode({k: str(v) for k, v in tags.items()}),
    }
    if content_type:
        extras["ContentType"] = content_type
    token = _extras.set(extras)
    try:
        yield
    finally:
        _extras.reset(token)


def set_tags(key: str, tags: Mapping[str, str]) -> None:
    """Replace an object's tags (promote re-tags `stage`); nothing to do on the filesystem."""
    storage = s3_storage()
    if storage is None:
        return
    client = storage.connection.meta.client
    client.put_object_tagging(
        Bucket=storage.bucket_name, Key=key,
        Tagging={"TagSet": [{"Key": k, "Value": str(v)} for k, v in tags.items()]})


def object_tags(key: str) -> dict[str, str]:
    storage = s3_storage()
    if storage is None:
        return {}
    client = storage.connection.meta.client
    answer = client.get_object_tagging(Bucket=storage.bucket_name, Key=key)
    return {tag["Key"]: tag["Value"] for tag in answer["TagSet"]}
