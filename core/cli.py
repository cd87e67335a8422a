"""The CLI side of the error contract: management commands report AtelierError like the API."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.management.base import CommandError

from core.errors import AtelierError


def reports_errors(handle: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a command's handle(): a domain error becomes `error [code]: message` and exit 2."""

    @functools.wraps(handle)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return handle(*args, **kwargs)
        except AtelierError as exc:
            raise CommandError(f"[{exc.code}] {exc.message}", returncode=2) from exc

    return wrapper
