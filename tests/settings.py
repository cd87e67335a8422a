"""Test settings: the production settings with the test process's own queue kept in memory.

Whatever DATABASE_URL says (PostgreSQL in CI, SQLite otherwise) is used as is. The pytest
process always runs its jobs on Dramatiq's in-process StubBroker; tests of the Redis broker
start real `manage.py` subprocesses with config.settings and REDIS_URL.
"""

import atexit
import shutil
import tempfile
from pathlib import Path

from config.settings import *  # noqa: F403
from config.settings import _DRAMATIQ_MIDDLEWARE, DATABASES, DRAMATIQ_BROKER

TEST_VAR_DIR = Path(tempfile.mkdtemp(prefix="atelier-test-"))
atexit.register(shutil.rmtree, TEST_VAR_DIR, ignore_errors=True)
VAR_DIR = TEST_VAR_DIR
MEDIA_ROOT = TEST_VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(MEDIA_ROOT), "allow_overwrite": True}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT = TEST_VAR_DIR / "static"
STATIC_ROOT.mkdir()
ATELIER_BUCKET = ""
ATELIER_QUEUE = "inprocess"
# The in-memory broker's middleware: without the Redis broker's Prometheus exporter.
DRAMATIQ_BROKER = {**DRAMATIQ_BROKER, "BROKER": "dramatiq.brokers.stub.StubBroker",
                   "OPTIONS": {}, "MIDDLEWARE": _DRAMATIQ_MIDDLEWARE}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ATELIER_HTTPS = False
SECURE_SSL_REDIRECT = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that worker subprocesses see the same test database.
    DATABASES["default"]["TEST"] = {"NAME": str(TEST_VAR_DIR / "test.sqlite3")}
ATELIER_THROTTLE_PENALTY_SECONDS = 0.3
ATELIER_MODERATION_TIMEOUT = 1.0
ATELIER_C2PA_TEST_CA = True
# The suite exercises the preview model (Nova 2 Omni) like any other; the tests of the preview
# gate turn this off (tests/catalog/test_lifecycle.py).
ATELIER_PREVIEW_MODELS = True
