"""Atelier settings: the embedded default when nothing is configured, production from the env.

Every knob is an environment variable (the full list with defaults is `.env.example`; the
production ones are in docs/deploy.md). A `.env` file beside manage.py is read when present.
Booleans and enums are parsed strictly (config/env.py). In production the embedded defaults
are never taken silently: each one taken is recorded and `manage.py check` refuses it.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from typing import Any

import environ

from config.blocks import logging_config, storages
from config.csp import content_security_policy, image_hosts
from config.env import (
    ConfigurationError,
    Fallbacks,
    backend,
    choice,
    database_url_from_parts,
    flag,
    is_set,
    pem_file,
    redis_url_from_parts,
    text,
)
from config.schedule import schedule

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")
from config.rest import *  # noqa: E402, F403  (the partner API's settings; read after .env)
from config.signin import *  # noqa: E402, F403  (signing in, sessions; read after .env)

# Production is explicit: ATELIER_ENV=production, or DEBUG=0 when ATELIER_ENV is not set.
ATELIER_ENV = choice("ATELIER_ENV", ("development", "production"),
                     "production" if is_set("DEBUG") and not flag("DEBUG", True)
                     else "development")
ATELIER_PRODUCTION = ATELIER_ENV == "production"
# What production took from the embedded default; config/checks.py reports each as an error.
ATELIER_FALLBACKS = Fallbacks()

VAR_DIR = Path(text("ATELIER_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _local_secret_key() -> str:
    """A per-checkout random key for the embedded default, so signed URLs are never forgeable."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


if ATELIER_PRODUCTION and not is_set("SECRET_KEY"):
    raise ConfigurationError("SECRET_KEY is not set; production needs a long random value "
                             "(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')")
SECRET_KEY = text("SECRET_KEY") or _local_secret_key()
# DEBUG is on only when someone says so, and never in production (config/checks.py).
DEBUG = flag("DEBUG", False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Where people reach this deployment; used for links made outside a web request (CLI output).
ATELIER_PUBLIC_URL = env.str("ATELIER_PUBLIC_URL", default="http://127.0.0.1:8000")

# --- HTTPS hardening (on in production; ATELIER_HTTPS=0 for plain-HTTP test rigs) ---
ATELIER_HTTPS = flag("ATELIER_HTTPS", ATELIER_PRODUCTION)
SECURE_SSL_REDIRECT = ATELIER_HTTPS
SESSION_COOKIE_SECURE = ATELIER_HTTPS
CSRF_COOKIE_SECURE = ATELIER_HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if ATELIER_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = ATELIER_HTTPS
SECURE_HSTS_PRELOAD = ATELIER_HTTPS
ATELIER_BEHIND_PROXY = flag("ATELIER_BEHIND_PROXY", False)
if ATELIER_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_dramatiq",
    "django_htmx",
    "django_prometheus",  # request metrics (its two middlewares below)
    "axes",  # sign-in throttling and lockout (dashboard and admin)
    "core",
    "tenants",
    "catalog",
    "providers",
    "assets",
    "provenance",
    "billing",
    "moderation",
    "generation",
    "api",
]

MIDDLEWARE = [
    "core.health.HealthCheckMiddleware",  # first: probes come by IP over plain HTTP
    "django_prometheus.middleware.PrometheusBeforeMiddleware",  # outermost after the probes
    "core.request_id.RequestIdMiddleware",  # X-Request-ID in, out and on every log line
    "core.body_limits.BodyLimitMiddleware",  # before CSRF, which reads form bodies: uploads' caps
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy on every page (config/csp.py)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # answers a locked-out sign-in with the lockout page
    "django_prometheus.middleware.PrometheusAfterMiddleware",  # last
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "moderation.context.moderation_mode",
            ],
        },
    },
]

# --- Database: SQLite under var/ by default, PostgreSQL via DATABASE_URL (or its parts) ---
_DATABASE_URL = text("DATABASE_URL") or database_url_from_parts()
if not _DATABASE_URL:
    _DATABASE_URL = f"sqlite:///{VAR_DIR / 'atelier.sqlite3'}"
    if ATELIER_PRODUCTION:
        ATELIER_FALLBACKS.add(
            "atelier.E102", "DATABASE_URL", "no database is configured, so SQLite under "
            "ATELIER_VAR_DIR would be used",
            "set DATABASE_URL=postgres://… (or DATABASE_HOST, DATABASE_NAME, DATABASE_USER, "
            "DATABASE_PASSWORD); DATABASE_URL=sqlite:///path chooses SQLite on purpose")
DATABASES = {"default": env.db_url_config(_DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + IMMEDIATE transactions let the in-process worker threads and the web threads
    # write without "database is locked" errors.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and the queue: local memory and an in-process worker by default, Redis via REDIS_URL ---
REDIS_URL = text("REDIS_URL") or redis_url_from_parts()
# The queue: Redis when it is configured; the in-process worker only by default in development
# or when ATELIER_QUEUE=inprocess says so.
ATELIER_QUEUE, _QUEUE_DEFAULTED = backend("ATELIER_QUEUE", "redis", "inprocess",
                                          configured=bool(REDIS_URL),
                                          needs="REDIS_URL (or REDIS_HOST)")
if ATELIER_PRODUCTION and _QUEUE_DEFAULTED:
    ATELIER_FALLBACKS.add(
        "atelier.E103", "REDIS_URL", "no Redis is configured, so jobs would run on an "
        "in-process queue inside the web process and the cache would be per process",
        "set REDIS_URL=redis://… (or REDIS_HOST, REDIS_PASSWORD, REDIS_TLS); "
        "ATELIER_QUEUE=inprocess chooses the in-process queue on purpose")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

_DRAMATIQ_MIDDLEWARE = [
    "core.request_id.DramatiqRequestId",  # first: the request id on all of a message's lines
    "dramatiq.middleware.AgeLimit",
    "dramatiq.middleware.TimeLimit",
    "dramatiq.middleware.ShutdownNotifications",
    "dramatiq.middleware.Callbacks",
    "dramatiq.middleware.Retries",
    "django_dramatiq.middleware.DbConnectionsMiddleware",
]
if ATELIER_QUEUE == "redis":
    DRAMATIQ_BROKER: dict[str, Any] = {
        "BROKER": "dramatiq.brokers.redis.RedisBroker",
        "OPTIONS": {"url": REDIS_URL,
                    "namespace": env.str("ATELIER_QUEUE_NAMESPACE", default="atelier")},
        # Messages, errors, retries, dead letters and durations per actor, served by worker
        # processes on port 9191 (dramatiq_prom_port). Never on the in-memory broker: no
        # exporter runs there, and the middleware needs one.
        "MIDDLEWARE": ["dramatiq.middleware.prometheus.Prometheus", *_DRAMATIQ_MIDDLEWARE],
    }
    if "dramatiq.cli" in sys.modules:
        # A worker process: Atelier's metrics join Dramatiq's in the directory its exporter
        # reads. prometheus_client chooses where metrics live when first imported (during
        # django.setup(), before Dramatiq sets this variable itself), so set it now.
        from dramatiq.middleware.prometheus import DB_PATH as _DRAMATIQ_METRICS_DIR

        os.environ["PROMETHEUS_MULTIPROC_DIR"] = _DRAMATIQ_METRICS_DIR
else:
    DRAMATIQ_BROKER = {
        "BROKER": "dramatiq.brokers.stub.StubBroker",
        "OPTIONS": {},
        "MIDDLEWARE": _DRAMATIQ_MIDDLEWARE,
    }
DRAMATIQ_AUTODISCOVER_MODULES = ["actors"]

# Jobs: the database is the source of truth. A running job holds a lease that it renews after
# every image; a job whose lease lapsed (worker died) or that sat queued too long (message lost)
# is re-enqueued by the sweep.
ATELIER_JOB_LEASE_SECONDS = env.int("ATELIER_JOB_LEASE_SECONDS", default=600)
ATELIER_QUEUED_TIMEOUT_SECONDS = env.int("ATELIER_QUEUED_TIMEOUT_SECONDS", default=1800)
ATELIER_SWEEP_INTERVAL_SECONDS = env.int("ATELIER_SWEEP_INTERVAL_SECONDS", default=60)
# Periodic work, run by the one `scheduler` process (the table and why: config/schedule.py).
ATELIER_SCHEDULE = schedule(ATELIER_SWEEP_INTERVAL_SECONDS)
# How long a scheduler holds its lock without renewing it (another takes over after that).
ATELIER_SCHEDULER_LOCK_SECONDS = env.int("ATELIER_SCHEDULER_LOCK_SECONDS", default=30)
ATELIER_WORKER_THREADS = env.int("ATELIER_WORKER_THREADS", default=4)
# Provider calls in flight at once per worker process, shared by its jobs: a job's calls run
# together so a contact sheet takes one model latency, not one per image.
ATELIER_PROVIDER_CALLS = env.int("ATELIER_PROVIDER_CALLS", default=16)
# How long a worker waits for a free slot under a model's rate limit before requeueing.
ATELIER_RATE_WAIT_SECONDS = env.int("ATELIER_RATE_WAIT_SECONDS", default=300)
# After Bedrock throttles a model, every worker holds off that model this long.
ATELIER_THROTTLE_PENALTY_SECONDS = env.float("ATELIER_THROTTLE_PENALTY_SECONDS", default=5.0)

# --- Image provider and the model catalog ---
ATELIER_PROVIDER = text("ATELIER_PROVIDER", "local")
if ATELIER_PRODUCTION and not is_set("ATELIER_PROVIDER"):
    ATELIER_FALLBACKS.add(
        "atelier.E105", "ATELIER_PROVIDER", "no image provider is configured, so the offline "
        "`local` renderer would make every image",
        "set ATELIER_PROVIDER=bedrock; ATELIER_PROVIDER=local chooses the renderer on purpose")
# The model catalog; an operator may point this at a copy with their own lifecycle and prices.
ATELIER_CATALOG_FILE = env.str("ATELIER_CATALOG_FILE",
                               default=str(BASE_DIR / "catalog" / "catalog.yaml"))
ATELIER_LOCAL_LATENCY_MS = env.int("ATELIER_LOCAL_LATENCY_MS", default=0)
# Preview models (catalog lifecycle `preview`, e.g. Nova 2 Omni) are refused unless this is on.
ATELIER_PREVIEW_MODELS = flag("ATELIER_PREVIEW_MODELS", False)
# The Regions `manage.py sync_models` reads from Bedrock's control plane (default: AWS_REGION
# and every Region the catalog calls a model in); how long a process reuses the synced rows.
ATELIER_MODEL_SYNC_REGIONS = env.list("ATELIER_MODEL_SYNC_REGIONS", default=[])
ATELIER_FLEET_CACHE_SECONDS = env.int("ATELIER_FLEET_CACHE_SECONDS", default=60)
# Seconds boto3 waits for a Bedrock answer (at least 300: large images take minutes).
ATELIER_BEDROCK_READ_TIMEOUT = env.int("ATELIER_BEDROCK_READ_TIMEOUT", default=300)
# The prompt assistant's Bedrock text model (e.g. amazon.nova-lite-v1:0 or a us. profile);
# unset: the offline rules. It must have a price in catalog/text_models.yaml to be called.
ATELIER_PROMPT_MODEL = env.str("ATELIER_PROMPT_MODEL", default="")
# Calls of the prompt model a minute: the account's quota for it in AWS_REGION (all tenants),
# and one tenant's share of it. Past either, the rules answer (no call, no cost), with a note.
ATELIER_PROMPT_MODEL_RPM = env.int("ATELIER_PROMPT_MODEL_RPM", default=60)
ATELIER_PROMPT_TENANT_RPM = env.int("ATELIER_PROMPT_TENANT_RPM", default=10)
AWS_REGION = env.str("AWS_REGION", default=env.str("AWS_DEFAULT_REGION", default="us-east-1"))

# --- Storage: the filesystem under var/media by default, a private S3 bucket via ATELIER_BUCKET ---
ATELIER_BUCKET = env.str("ATELIER_BUCKET", default="")
ATELIER_URL_TTL_SECONDS = env.int("ATELIER_URL_TTL_SECONDS", default=900)
ATELIER_CDN_DOMAIN = env.str("ATELIER_CDN_DOMAIN", default="")
ATELIER_CDN_KEY_ID = env.str("ATELIER_CDN_KEY_ID", default="")
# The CloudFront key: a file, or PEM text (ATELIER_CDN_PRIVATE_KEY) as a secrets manager injects.
ATELIER_CDN_PRIVATE_KEY_FILE = pem_file("ATELIER_CDN_PRIVATE_KEY", "ATELIER_CDN_PRIVATE_KEY_FILE",
                                        VAR_DIR / "secrets")
ATELIER_KMS_KEY_ID = env.str("ATELIER_KMS_KEY_ID", default="")
ATELIER_DRAFT_RETENTION_DAYS = env.int("ATELIER_DRAFT_RETENTION_DAYS", default=30)
MEDIA_ROOT = VAR_DIR / "media"
ATELIER_STORAGE, _STORAGE_DEFAULTED = backend("ATELIER_STORAGE", "s3", "filesystem",
                                              configured=bool(ATELIER_BUCKET),
                                              needs="ATELIER_BUCKET")
if ATELIER_PRODUCTION and _STORAGE_DEFAULTED:
    ATELIER_FALLBACKS.add(
        "atelier.E104", "ATELIER_BUCKET", "no bucket is configured, so images would be "
        "stored on this machine's disk under ATELIER_VAR_DIR",
        "set ATELIER_BUCKET to the private S3 bucket; ATELIER_STORAGE=filesystem chooses "
        "the disk on purpose")
STORAGES = storages(s3=ATELIER_STORAGE == "s3", bucket=ATELIER_BUCKET, region=AWS_REGION,
                    url_ttl=ATELIER_URL_TTL_SECONDS, kms_key=ATELIER_KMS_KEY_ID,
                    media_root=MEDIA_ROOT, production=ATELIER_PRODUCTION)
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]

# --- Content-Security-Policy (django-csp; the policy and why in config/csp.py) ---
# Images also load from the bucket's presigned URLs (boto3 reads AWS_ENDPOINT_URL_S3, else
# AWS_ENDPOINT_URL, for an S3-compatible server) and from the CDN.
CONTENT_SECURITY_POLICY = content_security_policy(image_hosts=image_hosts(
    bucket=ATELIER_BUCKET if ATELIER_STORAGE == "s3" else "", region=AWS_REGION,
    s3_endpoint=env.str("AWS_ENDPOINT_URL_S3", default=env.str("AWS_ENDPOINT_URL", default="")),
    cdn_domain=ATELIER_CDN_DOMAIN))
STATIC_ROOT = BASE_DIR / "staticfiles"
WHITENOISE_USE_FINDERS = not ATELIER_PRODUCTION

# --- Moderation and billing (configured by their own issues; read here so .env is one place) ---
ATELIER_GUARDRAIL_ID = env.str("ATELIER_GUARDRAIL_ID", default="")
ATELIER_GUARDRAIL_VERSION = env.str("ATELIER_GUARDRAIL_VERSION", default="DRAFT")
# Image moderation with Rekognition DetectModerationLabels (a boolean; "on"/"off" still read).
ATELIER_REKOGNITION = flag("ATELIER_REKOGNITION", False)
# Output moderation without any service: `local-only` says so on purpose (then every image waits
# for a moderator unless its tenant's policy approves on the local policy alone). Production
# refuses to start with neither a service nor this; development approves on the local policy
# and shows a banner.
ATELIER_OUTPUT_MODERATION = choice("ATELIER_OUTPUT_MODERATION", ("services", "local-only"),
                                   "services")
# What happens to a rejected image's object: moved under quarantine/ (kept for appeal and
# audit, never delivered) or deleted.
ATELIER_REJECTED_ACTION = choice("ATELIER_REJECTED_ACTION", ("quarantine", "delete"),
                                 "quarantine")
# Seconds a moderation service may take before the image goes to review instead.
ATELIER_MODERATION_TIMEOUT = env.float("ATELIER_MODERATION_TIMEOUT", default=20.0)
# C2PA Content Credentials: the platform's certificate chain and private key (PEM).
# Each as a file or as PEM text (ATELIER_C2PA_CERT, ATELIER_C2PA_KEY) from a secrets manager.
ATELIER_C2PA_CERT_FILE = pem_file("ATELIER_C2PA_CERT", "ATELIER_C2PA_CERT_FILE",
                                  VAR_DIR / "secrets")
ATELIER_C2PA_KEY_FILE = pem_file("ATELIER_C2PA_KEY", "ATELIER_C2PA_KEY_FILE", VAR_DIR / "secrets")
# Sign with a locally minted test CA when no certificate is configured: on by default in
# development (demos), off in production, where `check --deploy` warns if it is turned on.
ATELIER_C2PA_TEST_CA = flag("ATELIER_C2PA_TEST_CA", not ATELIER_PRODUCTION)
STRIPE_API_KEY = env.str("STRIPE_API_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")
# How far in the future a Stripe event's `created` may be (clocks differ) before it is ignored.
STRIPE_EVENT_CLOCK_SKEW_SECONDS = env.int("STRIPE_EVENT_CLOCK_SKEW_SECONDS", default=300)
# Who hears that a credit pool crossed 50/80/100 % (Django's e-mail backend).
ATELIER_FINANCE_EMAILS = env.list("ATELIER_FINANCE_EMAILS", default=[])
EMAIL_BACKEND = env.str("EMAIL_BACKEND",
                        default="django.core.mail.backends.console.EmailBackend")
# The Billing Meter's event name that counts delivered images.
STRIPE_METER_EVENT = env.str("STRIPE_METER_EVENT", default="atelier_images")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Observability: JSON log lines, Prometheus metrics, Sentry ---
# One JSON object per line on stderr (stdout stays for commands' own output, such as
# `manage.py generate`'s JSON), with the request id of the web request or job (core/logs.py);
# colored text instead on a developer's terminal. LOG_LEVEL for everything, ATELIER_LOG_LEVEL
# (default: the same) for Atelier's own loggers.
_LOG_LEVELS = ("debug", "info", "warning", "error", "critical")
LOG_LEVEL = choice("LOG_LEVEL", _LOG_LEVELS, "info").upper()
LOGGING = logging_config(root=LOG_LEVEL, production=ATELIER_PRODUCTION,
                         atelier=choice("ATELIER_LOG_LEVEL", _LOG_LEVELS, LOG_LEVEL).upper())
# GET /metrics answers only `Authorization: Bearer <this>` (404 while unset). The scheduler
# serves its metrics on ATELIER_METRICS_PORT, the workers on Dramatiq's port 9191.
ATELIER_METRICS_TOKEN = env.str("ATELIER_METRICS_TOKEN", default="")
ATELIER_METRICS_PORT = env.int("ATELIER_METRICS_PORT", default=9300)
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:  # before django_dramatiq builds the broker (core/sentry.py)
    from core.sentry import init as _init_sentry

    _init_sentry(SENTRY_DSN, environment=ATELIER_ENV)

# --- Uploads (source and mask images) ---
ATELIER_UPLOAD_MAX_BYTES = env.int("ATELIER_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
ATELIER_UPLOAD_MAX_PIXELS = env.int("ATELIER_UPLOAD_MAX_PIXELS", default=40_000_000)
# Base64 JSON uploads are a third larger than the image itself.
DATA_UPLOAD_MAX_MEMORY_SIZE = ATELIER_UPLOAD_MAX_BYTES * 4 // 3 + 65536
# Files of the views that take them go to a temporary file on disk whatever their size
# (core.body_limits); this keeps any other upload, and a spooled chunked body, small in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024

# --- Batches: rows per batch and bytes per CSV (all rows are checked before any is accepted) ---
ATELIER_BATCH_MAX_ROWS = env.int("ATELIER_BATCH_MAX_ROWS", default=10_000)
ATELIER_BATCH_MAX_BYTES = env.int("ATELIER_BATCH_MAX_BYTES", default=10 * 1024 * 1024)
