"""Every HTML page carries the Content-Security-Policy (config/csp.py): scripts from Atelier's
own origin or with the request's nonce, never 'unsafe-inline' or 'unsafe-eval'; no inline style;
no framing. The templates hold nothing the policy would refuse, so it can stay strict."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from config.csp import content_security_policy, image_hosts
from tenants.services import ensure_owner
from tests.helpers import signed_in, staff_client

TEMPLATES = Path(settings.BASE_DIR) / "templates"
STRICT = {
    "default-src": ["'self'"],
    "style-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {name: values for name, *values in
            (part.split() for part in header.split(";") if part.strip())}


def script_nonces(html: str) -> list[str]:
    return re.findall(r"<script\b[^>]*\bnonce=\"([^\"]*)\"", html)


@pytest.fixture
def merchant(acme):
    user, _ = ensure_owner(acme.tenant, "owner@acme.test", "correct horse battery")
    return signed_in(user)


@pytest.mark.parametrize("path", ["/t/acme/", "/t/acme/library/", "/t/acme/usage/",
                                  "/t/acme/settings/", "/t/acme/batches/", "/t/acme/templates/"])
def test_dashboard_pages_have_a_strict_policy_with_the_scripts_nonce(merchant, path):
    response = merchant.get(path)
    assert response.status_code == 200
    directives = policy(response)
    for name, values in STRICT.items():
        assert directives[name] == values, name
    script_src = directives["script-src"]
    assert script_src[0] == "'self'" and len(script_src) == 2
    nonce = re.fullmatch(r"'nonce-([A-Za-z0-9+/=]{16,})'", script_src[1]).group(1)
    header = response["Content-Security-Policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header
    html = response.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts and script_nonces(html) == [nonce] * len(scripts)
    assert all("src=" in tag for tag in scripts)  # no inline script at all


def test_each_response_has_its_own_nonce(merchant):
    first, second = (policy(merchant.get("/t/acme/"))["script-src"][1] for _ in range(2))
    assert first != second


def test_the_sign_in_page_and_a_secret_shown_once_have_it_too(client, merchant):
    assert policy(client.get("/login/"))["frame-ancestors"] == ["'none'"]
    response = merchant.post("/t/acme/settings/keys", {"name": "sync", "scopes": ["read"]})
    assert response.status_code == 200 and b"atl_" in response.content
    directives = policy(response)
    assert directives["style-src"] == ["'self'"]
    assert script_nonces(response.content.decode()) == [directives["script-src"][1][7:-1]] * 2


def test_htmx_injects_no_style_and_needs_no_eval(merchant):
    html = merchant.get("/t/acme/").content.decode()
    meta = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", html).group(1)
    assert '"includeIndicatorStyles": false' in meta and '"allowEval": false' in meta
    css = (Path(settings.BASE_DIR) / "static" / "dashboard" / "app.css").read_text()
    assert ".htmx-indicator" in css and ".htmx-request .htmx-indicator" in css


def test_admin_pages_have_the_policy(client, db):
    assert policy(client.get("/admin/login/"))["script-src"][0] == "'self'"
    finance = staff_client("fin", "Finance")
    for path in ("/admin/", "/admin/finance/report/"):
        response = finance.get(path)
        assert response.status_code == 200, path
        directives = policy(response)
        assert directives["style-src"] == ["'self'"] and directives["object-src"] == ["'none'"]
        assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_swagger_ui_adds_only_nonced_styles(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    directives = policy(response)
    nonce = directives["script-src"][1]
    assert directives["style-src"] == ["'self'", nonce] and nonce.startswith("'nonce-")
    header = response["Content-Security-Policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header
    html = response.content.decode()
    tags = re.findall(r"<(?:script|style)\b[^>]*>", html)
    assert tags and all(f'nonce="{nonce[7:-1]}"' in tag for tag in tags), tags
    assert '"validatorUrl": "none"' in client.get("/api/docs/").content.decode()


def test_api_answers_are_unaffected(owner):
    response = owner.get("/api/v1/models")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response.json()


INLINE = [
    (re.compile(r"\sstyle\s*=", re.I), "a style attribute"),
    (re.compile(r"<style\b(?![^>]*\bnonce=)", re.I), "a <style> block without a nonce"),
    (re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*\bnonce=)", re.I), "an inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an inline event handler"),
    (re.compile(r"\s(?:data-)?hx-on", re.I), "hx-on (needs eval)"),
    (re.compile(r"(?:javascript|js):", re.I), "a javascript:/js: URL or value"),
]


@pytest.mark.parametrize("template", sorted(str(p.relative_to(TEMPLATES))
                                            for p in TEMPLATES.rglob("*.html")))
def test_templates_hold_nothing_the_policy_refuses(template):
    text = re.sub(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", "",
                  (TEMPLATES / template).read_text(), flags=re.S)
    found = [what for pattern, what in INLINE if pattern.search(text)]
    assert found == [], f"{template}: {', '.join(found)}"


def test_image_hosts_follow_the_storage_configuration():
    assert image_hosts(bucket="", region="eu-west-1", s3_endpoint="", cdn_domain="") == []
    assert image_hosts(bucket="atelier-images", region="eu-west-1", s3_endpoint="",
                       cdn_domain="") == ["https://atelier-images.s3.amazonaws.com",
                                          "https://atelier-images.s3.eu-west-1.amazonaws.com"]
    assert image_hosts(bucket="images.example.com", region="eu-west-1", s3_endpoint="",
                       cdn_domain="") == ["https://s3.amazonaws.com",
                                          "https://s3.eu-west-1.amazonaws.com"]
    assert image_hosts(bucket="atelier", region="us-east-1",
                       s3_endpoint="http://127.0.0.1:8333/", cdn_domain="cdn.example.com") == [
        "http://127.0.0.1:8333", "http://atelier.127.0.0.1:8333", "https://cdn.example.com"]
    img_src = content_security_policy(image_hosts=["https://cdn.example.com"])[
        "DIRECTIVES"]["img-src"]
    assert img_src == ["'self'", "data:", "blob:", "https://cdn.example.com"]


def test_presigned_urls_are_allowed_images(monkeypatch):
    """The hosts match what boto3 really signs (no network: presigning is local)."""
    import boto3
    from botocore.config import Config

    monkeypatch.delenv("AWS_ENDPOINT_URL_S3", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)

    for region, bucket in (("us-east-1", "atelier-images"), ("eu-west-1", "atelier-images"),
                           ("eu-west-1", "images.example.com")):
        s3 = boto3.session.Session(aws_access_key_id="x", aws_secret_access_key="y").client(
            "s3", region_name=region, config=Config(signature_version="s3v4"))
        url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "a.png"})
        hosts = image_hosts(bucket=bucket, region=region, s3_endpoint="", cdn_domain="")
        assert any(url.startswith(host + "/") for host in hosts), (url, hosts)
