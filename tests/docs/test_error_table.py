"""docs/api.md's error table is the one rendered from the code (`manage.py error_codes`), so a
new error code cannot ship undocumented, and the table names no code the API has dropped."""

from __future__ import annotations

from pathlib import Path

from django.core.management import call_command

from api.management.commands.error_codes import BEGIN, END, error_codes, render

API_MD = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def test_docs_api_md_holds_the_table_rendered_from_the_code():
    text = API_MD.read_text(encoding="utf-8")
    start, end = text.find(BEGIN), text.find(END)
    assert 0 <= start < end, "docs/api.md lost the error table's markers"
    assert text[start:end + len(END)] == render(), (
        "docs/api.md's error table differs from the code: run "
        "`.venv/bin/python manage.py error_codes --write` and commit docs/api.md")


def test_the_table_names_the_codes_of_every_layer():
    """Codes from class attributes in several layers, from `code=` where raised, and from the
    API's own handlers, each under its status."""
    codes = error_codes()
    assert {"model_retired", "unknown_model", "invalid_image", "invalid_batch"} <= set(codes[400])
    assert {"quota_exceeded", "budget_exceeded", "tenant_inactive"} <= set(codes[402])
    assert {"idempotency_key_reused", "idempotency_key_in_use"} <= set(codes[409])
    assert codes[405] == ["method_not_allowed"] and codes[429] == ["rate_limited"]
    assert "server_error" in codes[500] and "moderation_unavailable" in codes[503]
    assert "already_rejected" not in {code for found in codes.values() for code in found}


def test_write_replaces_only_the_table(tmp_path):
    doc = tmp_path / "api.md"
    doc.write_text(f"# API\n\nbefore\n\n{BEGIN}\n| stale |\n{END}\n\nafter\n", encoding="utf-8")
    call_command("error_codes", "--write", "--doc", str(doc))
    assert doc.read_text(encoding="utf-8") == f"# API\n\nbefore\n\n{render()}\n\nafter\n"
