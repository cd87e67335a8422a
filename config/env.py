"""Strict reading of the environment, and the record of production fallbacks.

django-environ's `bool` reads any unknown spelling as false, so `ATELIER_REKOGNITION=ture`
would quietly switch a safety check off. Here every boolean and enum is parsed strictly: an
unknown value stops the process with one line naming the variable and what it accepts.

In production (`ATELIER_ENV=production`, or `DEBUG=0` without `ATELIER_ENV`) the embedded
defaults (SQLite, the in-process queue, files on disk, the offline renderer) are never
applied silently: `Fallbacks` records each one taken, and the system checks in
`config/checks.py` turn every record into an error with its fix.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from django.core.exceptions import ImproperlyConfigured

TRUE = frozenset({"true", "1", "on", "yes"})
FALSE = frozenset({"false", "0", "off", "no"})
ACCEPTED_FLAGS = "true/false, 1/0, on/off, yes/no (any case)"


class ConfigurationError(ImproperlyConfigured):
    """An environment variable is missing or malformed; the message is one line to show."""


def is_set(name: str) -> bool:
    return bool(os.environ.get(name, "").strip())


def text(name: str, default: str = "") -> str:
    return os.environ.get(name, "").strip() or default


def flag(name: str, default: bool) -> bool:
    """A boolean variable, strictly: one of ACCEPTED_FLAGS, or unset/empty for the default."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    value = raw.lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ConfigurationError(f"{name}={raw!r} is not a boolean; use {ACCEPTED_FLAGS}")


def choice(name: str, choices: Sequence[str], default: str) -> str:
    """An enum variable, strictly (case-insensitive); unset/empty means the default."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    value = raw.lower()
    if value not in choices:
        raise ConfigurationError(f"{name}={raw!r} is not one of {', '.join(choices)}")
    return value


def backend(name: str, remote: str, local: str, *, configured: bool, needs: str
            ) -> tuple[str, bool]:
    """A choice between a service (`remote`, when it is configured) and its embedded stand-in
    (`local`): strictly parsed, refused when the service is chosen but not configured. Also
    whether the stand-in was taken without being chosen (what production must refuse)."""
    chosen = choice(name, (remote, local), remote if configured else local)
    if chosen == remote and not configured:
        raise ConfigurationError(f"{name}={remote} needs {needs}")
    return chosen, not configured and not is_set(name)


def database_url_from_parts() -> str:
    """DATABASE_URL built from DATABASE_HOST/PORT/NAME/USER/PASSWORD (the fields of a managed
    database's generated secret, which a container platform injects one by one)."""
    host = text("DATABASE_HOST")
    if not host:
        return ""
    user = quote(text("DATABASE_USER", "atelier"), safe="")
    password = quote(text("DATABASE_PASSWORD"), safe="")
    credentials = f"{user}:{password}@" if password else f"{user}@"
    return (f"postgres://{credentials}{host}:{text('DATABASE_PORT', '5432')}/"
            f"{quote(text('DATABASE_NAME', 'atelier'), safe='')}")


def redis_url_from_parts() -> str:
    """REDIS_URL built from REDIS_HOST/PORT/PASSWORD/TLS (a managed Redis's auth token)."""
    host = text("REDIS_HOST")
    if not host:
        return ""
    scheme = "rediss" if flag("REDIS_TLS", False) else "redis"
    password = text("REDIS_PASSWORD")
    credentials = f":{quote(password, safe='')}@" if password else ""
    return f"{scheme}://{credentials}{host}:{text('REDIS_PORT', '6379')}/{text('REDIS_DB', '0')}"


def pem_file(content_var: str, file_var: str, directory: Path) -> str:
    """The path of a PEM given either as a file (`file_var`) or as text (`content_var`, as a
    secrets manager injects it). Text is written once to a 0600 file under `directory`, so the
    code that signs keeps reading files."""
    content = os.environ.get(content_var, "").strip()
    if not content:
        return text(file_var)
    if is_set(file_var):
        raise ConfigurationError(f"set {content_var} or {file_var}, not both")
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = directory / f"{content_var.lower()}.pem"
    if not target.is_file() or target.read_text() != content + "\n":
        handle, temporary = tempfile.mkstemp(dir=directory)
        with os.fdopen(handle, "w") as out:
            out.write(content + "\n")
        os.chmod(temporary, 0o600)
        os.replace(temporary, target)
    return str(target)


@dataclass(frozen=True)
class Fallback:
    """A development default that production took because a variable was not set."""

    id: str
    variable: str
    problem: str
    fix: str


@dataclass
class Fallbacks:
    records: list[Fallback] = field(default_factory=list)

    def add(self, id: str, variable: str, problem: str, fix: str) -> None:
        self.records.append(Fallback(id, variable, problem, fix))
