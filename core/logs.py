"""Structured logs: every line, structlog's or the standard library's, one JSON object.

`settings.LOGGING` builds its formatter with `formatter()`. Standard `logging` calls keep
working: `log.info("queue.metrics", extra={"QueueDepth": 3})` puts the extra fields at the top
level of the line, beside `event`, `level`, `timestamp`, `logger` and whatever is bound to the
context (`request_id` for a web request or the job it queued, `job_id`, `tenant`, ...).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import structlog

# What every line gets, whether it came from structlog or from `logging`.
_COMMON: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
]
_TIMESTAMP = structlog.processors.TimeStamper(fmt="iso", utc=True, key="timestamp")


def _configure_structlog() -> None:
    """structlog's own loggers hand their event dicts to the standard handlers."""
    structlog.configure(
        processors=[structlog.stdlib.filter_by_level, *_COMMON, _TIMESTAMP,
                    structlog.processors.StackInfoRenderer(),
                    structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def formatter(development: bool = False, console: bool | None = None) -> logging.Formatter:
    """The formatter of every handler: JSON lines, or colored text when a developer watches
    (`development` and stderr is a terminal) or `console` says so."""
    _configure_structlog()
    if console is None:
        console = development and sys.stderr.isatty()
    renderer: list[Any] = ([structlog.dev.ConsoleRenderer()] if console else
                           [structlog.processors.format_exc_info,
                            structlog.processors.JSONRenderer()])
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*_COMMON, structlog.stdlib.ExtraAdder(), _TIMESTAMP],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *renderer],
    )


@contextmanager
def log_context(**fields: Any) -> Iterator[None]:
    """Add `fields` to every log line of this thread for the block (a job's id, tenant, ...)."""
    with structlog.contextvars.bound_contextvars(**fields):
        yield
