"""`manage.py error_codes`: the error table of docs/api.md, rendered from the code.

A partner's program branches on `code`, so the table must name every code the API can answer
with. Written by hand it fell behind (`model_retired` was missing); rendered from the code it
cannot: the codes are those of every `core.errors.AtelierError` subclass (found by importing
every module of the packages below the API), every `code="..."` given to one where it is raised
(found by reading the source), and those api.base answers for DRF and Django's own errors.
`--write` puts the table into docs/api.md, between its two markers; tests/docs checks that the
table there is this one.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from collections import defaultdict
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from api.base import api_error_codes
from core.errors import AtelierError

# Every package that runs while answering an API request (config and dashboard are above it).
PACKAGES = ("api", "generation", "moderation", "billing", "provenance", "assets", "providers",
            "catalog", "tenants", "core")
# Codes an AtelierError carries that never reach an API answer, and why.
NOT_API = {
    "error": "the base class's placeholder: every raised error names its own code",
    "already_rejected": "a moderator's decision in the review queue (dashboard), not the API",
}
# Per status: may the same request succeed later, and what to do.
RETRY = {
    400: "no: fix the request",
    401: "no: check the key",
    402: "after the quota or the account changes",
    403: "no: use a key with the scope",
    404: "no",
    405: "no: use a method in the `Allow` header",
    406: "no: accept `application/json`",
    409: "`idempotency_key_in_use`: yes, shortly; `archive_empty`: after images are promoted; "
         "the others no",
    413: "no: send less (see [Bad input](#bad-input-the-limits-clients-hit-most))",
    415: "no: send JSON (`multipart/form-data` only to uploads, batches and verify)",
    422: "no: change the prompt",
    429: "yes, after `Retry-After` seconds",
    500: "yes, with the same `Idempotency-Key`",
    503: "yes, with the same `Idempotency-Key`, after a short wait",
}
# What a code's answer adds to the envelope, where it adds something.
NOTES = {
    "prompt_blocked": "names the `policy`",
    "quota_exceeded": "says `images_left`",
    "budget_exceeded": "says `budget_left_usd`",
    "invalid_batch": "lists `errors` by row and column",
    "model_retired": "names the `successor`",
    "model_unavailable": "says why: a preview, not offered or no access in the Region",
}
BEGIN = ("<!-- error-codes: rendered by `manage.py error_codes --write`; edit the code, not "
         "this table -->")
END = "<!-- /error-codes -->"


def _modules() -> list[str]:
    names = []
    for package in PACKAGES:
        root = importlib.import_module(package)
        names.append(package)
        for found in pkgutil.walk_packages(root.__path__, f"{package}."):
            if ".migrations" not in found.name:
                names.append(found.name)
    return names


def _subclasses(base: type[AtelierError]) -> list[type[AtelierError]]:
    found, stack = [], [base]
    while stack:
        cls = stack.pop()
        found.append(cls)
        stack.extend(cls.__subclasses__())
    return found


def _codes_given_where_raised(classes: dict[str, type[AtelierError]]
                              ) -> set[tuple[int, str]]:
    """`SomeError(..., code="x")` anywhere in the packages' source: (its status, "x")."""
    found = set()
    for package in PACKAGES:
        for path in Path(settings.BASE_DIR, package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
                if name not in classes:
                    continue
                for keyword in node.keywords:
                    if keyword.arg == "code" and isinstance(keyword.value, ast.Constant):
                        found.add((int(classes[name].http_status), str(keyword.value.value)))
    return found


def error_codes() -> dict[int, list[str]]:
    """Every code the API can answer with, by HTTP status."""
    for module in _modules():
        importlib.import_module(module)
    classes = _subclasses(AtelierError)
    pairs = {(int(cls.http_status), cls.code) for cls in classes}
    pairs |= _codes_given_where_raised({cls.__name__: cls for cls in classes})
    pairs |= set(api_error_codes())
    by_status: dict[int, set[str]] = defaultdict(set)
    for status, code in pairs:
        if code not in NOT_API:
            by_status[status].add(code)
    return {status: sorted(codes) for status, codes in sorted(by_status.items())}


def render() -> str:
    """The Markdown table, between its markers."""
    rows = [BEGIN, "| status | codes | retry? |", "|---|---|---|"]
    for status, codes in error_codes().items():
        if status not in RETRY:
            raise CommandError(f"HTTP {status} ({', '.join(codes)}) has no retry advice: add it "
                               "to RETRY in api/management/commands/error_codes.py")
        named = ", ".join(f"`{code}` ({NOTES[code]})" if code in NOTES else f"`{code}`"
                          for code in codes)
        rows.append(f"| {status} | {named} | {RETRY[status]} |")
    rows.append(END)
    return "\n".join(rows)


def replace_table(text: str, table: str) -> str:
    """`text` with the part between the markers (included) replaced by `table`."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise CommandError(f"the markers {BEGIN!r} and {END!r} are not in the document")
    return text[:start] + table + text[end + len(END):]


class Command(BaseCommand):
    help = "Print the API's error table (every code by status), or write it into docs/api.md."
    requires_system_checks: list[str] = []  # reads source and classes; serves nothing

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--write", action="store_true",
                            help="replace the table in the document (docs/api.md)")
        parser.add_argument("--doc", type=Path, default=None,
                            help="the document to write into (default: docs/api.md)")

    def handle(self, *args: Any, **options: Any) -> None:
        table = render()
        if not options["write"]:
            self.stdout.write(table)
            return
        doc = options["doc"] or Path(settings.BASE_DIR, "docs", "api.md")
        doc.write_text(replace_table(doc.read_text(encoding="utf-8"), table), encoding="utf-8")
        self.stdout.write(f"wrote the error table into {doc}")
