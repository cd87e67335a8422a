"""The larger settings values, built from the few variables they depend on (config/settings.py
reads the variables; these functions shape Django's dictionaries)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def storages(*, s3: bool, bucket: str, region: str, url_ttl: int, kms_key: str,
             media_root: Path, production: bool) -> dict[str, Any]:
    """Images in the private bucket (SSE-KMS with a key, else SSE-S3) or under media_root;
    static files hashed and compressed in production."""
    if s3:
        default: dict[str, Any] = {
            "BACKEND": "assets.storage.PrivateS3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "region_name": region,
                "default_acl": None,
                "querystring_auth": True,
                "querystring_expire": url_ttl,
                "file_overwrite": True,
                "signature_version": "s3v4",
                "object_parameters": (
                    {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": kms_key}
                    if kms_key else {"ServerSideEncryption": "AES256"}),
            },
        }
    else:
        default = {"BACKEND": "django.core.files.storage.FileSystemStorage",
                   "OPTIONS": {"location": str(media_root), "allow_overwrite": True}}
    return {
        "default": default,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
                        if production
                        else "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def logging_config(*, root: str, atelier: str, production: bool) -> dict[str, Any]:
    """One JSON object per line on stderr (core/logs.py); coloured text on a developer's
    terminal outside production."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"structured": {"()": "core.logs.formatter",
                                      "development": not production}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured",
                                 "stream": "ext://sys.stderr"}},
        "root": {"handlers": ["console"], "level": root},
        "loggers": {
            "atelier": {"level": atelier},
            # Every client creation and connection at INFO: noise, not events.
            **{name: {"level": "WARNING"} for name in ("botocore", "boto3", "s3transfer",
                                                       "urllib3", "axes.apps")},
        },
    }
