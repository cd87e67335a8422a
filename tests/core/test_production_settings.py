"""Production mode refuses every unsafe default, and every switch is parsed strictly."""

from __future__ import annotations

import os
import runpy
import secrets
import stat
import sys
from pathlib import Path
from typing import Any

import pytest

from config.env import ConfigurationError
from tests.conftest import ROOT, manage, subprocess_env

SETTINGS_FILE = ROOT / "config" / "settings.py"
BOOLEANS = ["DEBUG", "ATELIER_HTTPS", "ATELIER_BEHIND_PROXY", "ATELIER_REKOGNITION",
            "ATELIER_C2PA_TEST_CA", "ATELIER_WEBHOOK_ALLOW_PRIVATE"]
TRUE_SPELLINGS = ["true", "TRUE", "True", "1", "on", "ON", "On", "yes", "YES", "Yes"]
FALSE_SPELLINGS = ["false", "FALSE", "0", "off", "OFF", "no", "No"]
BAD_SPELLINGS = ["ture", "enabled", "2", "y", "t", "oui", "on!"]
PRODUCTION = {"ATELIER_ENV": "production", "SECRET_KEY": "s" * 8 + secrets.token_urlsafe(50),
              "DATABASE_URL": "postgres://app:pw@db.internal:5432/atelier",
              "REDIS_URL": "redis://cache.internal:6379/0", "ATELIER_BUCKET": "atelier-images",
              "ATELIER_PROVIDER": "bedrock", "ALLOWED_HOSTS": "atelier.example.com"}


def load(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **variables: str) -> dict[str, Any]:
    """config/settings.py evaluated afresh under exactly these variables (no .env file)."""
    for name in list(os.environ):
        if name.startswith(("ATELIER_", "DATABASE_", "REDIS_", "STRIPE_")) or name in (
                "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("ATELIER_VAR_DIR", str(tmp_path / "var"))
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    for part in ("config.rest", "config.signin"):  # settings read in modules of their own
        monkeypatch.delitem(sys.modules, part, raising=False)
    return runpy.run_path(str(SETTINGS_FILE))


def fallback_ids(loaded: dict[str, Any]) -> set[str]:
    return {record.id for record in loaded["ATELIER_FALLBACKS"].records}


@pytest.mark.parametrize("variable", BOOLEANS)
def test_every_boolean_accepts_each_documented_spelling(variable, monkeypatch, tmp_path):
    mode = {"ATELIER_ENV": "development"}  # DEBUG=0 alone would mean production
    for spelling in TRUE_SPELLINGS:
        assert load(monkeypatch, tmp_path, **mode, **{variable: spelling})[variable] is True
    for spelling in FALSE_SPELLINGS:
        assert load(monkeypatch, tmp_path, **mode, **{variable: spelling})[variable] is False


@pytest.mark.parametrize("variable", BOOLEANS)
@pytest.mark.parametrize("spelling", BAD_SPELLINGS)
def test_an_unknown_boolean_spelling_stops_start_up_naming_the_variable(
        variable, spelling, monkeypatch, tmp_path):
    with pytest.raises(ConfigurationError) as refused:
        load(monkeypatch, tmp_path, **{variable: spelling})
    assert variable in str(refused.value) and "true/false" in str(refused.value)


@pytest.mark.parametrize("spelling", TRUE_SPELLINGS)
def test_each_true_spelling_turns_image_moderation_on(spelling, monkeypatch, tmp_path):
    assert load(monkeypatch, tmp_path, ATELIER_REKOGNITION=spelling)["ATELIER_REKOGNITION"]


@pytest.mark.parametrize("variable,value", [
    ("ATELIER_ENV", "prod"), ("ATELIER_QUEUE", "sqs"), ("ATELIER_STORAGE", "gcs"),
    ("ATELIER_REJECTED_ACTION", "keep"), ("REDIS_TLS", "maybe")])
def test_an_unknown_enum_value_stops_start_up(variable, value, monkeypatch, tmp_path):
    extra = {"REDIS_HOST": "cache"} if variable == "REDIS_TLS" else {}
    with pytest.raises(ConfigurationError, match=variable):
        load(monkeypatch, tmp_path, **{variable: value}, **extra)


def test_debug_never_turns_itself_on(monkeypatch, tmp_path):
    loaded = load(monkeypatch, tmp_path)
    assert loaded["DEBUG"] is False and loaded["ATELIER_PRODUCTION"] is False
    assert load(monkeypatch, tmp_path, **PRODUCTION)["DEBUG"] is False


def test_debug_off_alone_means_production(monkeypatch, tmp_path):
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        load(monkeypatch, tmp_path, DEBUG="0")


def test_production_never_generates_a_secret_key(monkeypatch, tmp_path):
    without_key = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    with pytest.raises(ConfigurationError, match="SECRET_KEY is not set"):
        load(monkeypatch, tmp_path, **without_key)
    assert not (tmp_path / "var" / "secret_key").exists()


@pytest.mark.parametrize("missing,error", [
    ("DATABASE_URL", "atelier.E102"), ("REDIS_URL", "atelier.E103"),
    ("ATELIER_BUCKET", "atelier.E104"), ("ATELIER_PROVIDER", "atelier.E105")])
def test_production_records_each_embedded_default_it_would_take(
        missing, error, monkeypatch, tmp_path):
    variables = {k: v for k, v in PRODUCTION.items() if k != missing}
    assert fallback_ids(load(monkeypatch, tmp_path, **variables)) == {error}


def test_each_embedded_default_may_be_chosen_on_purpose(monkeypatch, tmp_path):
    on_purpose = {**PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
                  "ATELIER_QUEUE": "inprocess", "ATELIER_STORAGE": "filesystem",
                  "ATELIER_PROVIDER": "local"}
    del on_purpose["REDIS_URL"], on_purpose["ATELIER_BUCKET"]
    loaded = load(monkeypatch, tmp_path, **on_purpose)
    assert fallback_ids(loaded) == set()
    assert loaded["ATELIER_QUEUE"] == "inprocess" and loaded["ATELIER_STORAGE"] == "filesystem"
    assert loaded["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"


def test_development_takes_the_embedded_defaults_silently(monkeypatch, tmp_path):
    loaded = load(monkeypatch, tmp_path)
    assert fallback_ids(loaded) == set() and loaded["ATELIER_PROVIDER"] == "local"
    assert loaded["ATELIER_C2PA_TEST_CA"] is True


def test_database_and_redis_urls_are_built_from_a_managed_secrets_fields(
        monkeypatch, tmp_path):
    loaded = load(monkeypatch, tmp_path, DATABASE_HOST="db.internal", DATABASE_PORT="5433",
                  DATABASE_NAME="atelier", DATABASE_USER="app", DATABASE_PASSWORD="p@ss/w:rd",
                  REDIS_HOST="cache.internal", REDIS_PASSWORD="t0k/en", REDIS_TLS="true")
    database = loaded["DATABASES"]["default"]
    assert (database["HOST"], database["PORT"], database["NAME"], database["USER"],
            database["PASSWORD"]) == ("db.internal", 5433, "atelier", "app", "p@ss/w:rd")
    assert loaded["REDIS_URL"] == "rediss://:t0k%2Fen@cache.internal:6379/0"
    assert loaded["ATELIER_QUEUE"] == "redis"


def test_pem_text_from_a_secrets_manager_becomes_a_private_file(monkeypatch, tmp_path):
    pem = "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----"
    loaded = load(monkeypatch, tmp_path, ATELIER_CDN_PRIVATE_KEY=pem, ATELIER_C2PA_KEY=pem)
    for name in ("ATELIER_CDN_PRIVATE_KEY_FILE", "ATELIER_C2PA_KEY_FILE"):
        path = Path(loaded[name])
        assert path.read_text() == pem + "\n"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_pem_given_twice_is_refused(monkeypatch, tmp_path):
    with pytest.raises(ConfigurationError, match="not both"):
        load(monkeypatch, tmp_path, ATELIER_C2PA_CERT="x", ATELIER_C2PA_CERT_FILE="/x.pem")


# --- through manage.py, as the container's roles run it ---------------------------------------

def test_a_bad_switch_stops_manage_with_one_line(db):
    result = manage("check", env=subprocess_env(ATELIER_REKOGNITION="ture"))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "atelier: configuration error: ATELIER_REKOGNITION='ture' is not a boolean; "
        "use true/false, 1/0, on/off, yes/no (any case)"]


def test_check_refuses_unsafe_production_defaults_with_their_fixes(db):
    env = subprocess_env(ATELIER_ENV="production", SECRET_KEY=PRODUCTION["SECRET_KEY"])
    for name in ("DATABASE_URL", "REDIS_URL", "ATELIER_BUCKET", "ATELIER_PROVIDER"):
        env.pop(name, None)
    result = manage("check", env=env)
    assert result.returncode == 1
    for error in ("atelier.E102", "atelier.E103", "atelier.E104", "atelier.E105"):
        assert error in result.stderr
    assert "HINT: set DATABASE_URL=postgres://" in result.stderr


def test_check_deploy_is_clean_for_a_complete_production_configuration(db, tmp_path):
    from provenance.dev_ca import mint_signing_identity

    chain, key = mint_signing_identity(tmp_path / "c2pa")
    env = subprocess_env(ATELIER_ENV="production", SECRET_KEY=PRODUCTION["SECRET_KEY"],
                         ATELIER_QUEUE="inprocess", ATELIER_STORAGE="filesystem",
                         ATELIER_PROVIDER="local", ALLOWED_HOSTS="atelier.example.com",
                         ATELIER_OUTPUT_MODERATION="local-only",
                         ATELIER_C2PA_CERT_FILE=str(chain), ATELIER_C2PA_KEY_FILE=str(key))
    env.pop("ATELIER_HTTPS")
    env.pop("ATELIER_C2PA_TEST_CA")
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_about_the_test_ca_in_production(db):
    env = subprocess_env(ATELIER_ENV="production", SECRET_KEY=PRODUCTION["SECRET_KEY"],
                         ATELIER_QUEUE="inprocess", ATELIER_STORAGE="filesystem",
                         ATELIER_PROVIDER="local", ALLOWED_HOSTS="atelier.example.com",
                         ATELIER_OUTPUT_MODERATION="local-only", ATELIER_C2PA_TEST_CA="1")
    env.pop("ATELIER_HTTPS")
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 1 and "atelier.W107" in result.stderr
