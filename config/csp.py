"""The Content-Security-Policy (django-csp): what the dashboard's and the admin's pages may load.

Scripts come only from Atelier's own origin or carry the request's nonce (`request.csp_nonce`);
no inline script, no `eval`, no inline style, no `<object>`, no framing. Images may also come
from where stored images are served: the bucket's presigned URLs and the CDN. One route has a
wider policy of its own (config/urls.py): the Swagger UI page at /api/docs/ (SWAGGER_UI below).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from csp.constants import NONCE, NONE, SELF


def image_hosts(*, bucket: str, region: str, s3_endpoint: str, cdn_domain: str) -> list[str]:
    """Where the browser fetches stored images from, besides Atelier itself: the bucket as
    presigned URLs name it and the CloudFront domain. S3 URLs are virtual-hosted
    (`https://<bucket>.s3[.<region>].amazonaws.com`), or path-style on the S3 host when the
    bucket's name has a dot (TLS certificates do not cover it as a subdomain); an S3-compatible
    server (`AWS_ENDPOINT_URL_S3`) is addressed path-style on its own origin, virtual-hosted
    when so configured."""
    hosts: list[str] = []
    if bucket:
        endpoint = urlsplit(s3_endpoint) if s3_endpoint else None
        if endpoint is not None and endpoint.scheme and endpoint.netloc:
            hosts += [f"{endpoint.scheme}://{endpoint.netloc}",
                      f"{endpoint.scheme}://{bucket}.{endpoint.netloc}"]
        elif "." in bucket:
            hosts += ["https://s3.amazonaws.com", f"https://s3.{region}.amazonaws.com"]
        else:
            hosts += [f"https://{bucket}.s3.amazonaws.com",
                      f"https://{bucket}.s3.{region}.amazonaws.com"]
    if cdn_domain:
        hosts.append(f"https://{cdn_domain}")
    return hosts


def content_security_policy(*, image_hosts: list[str]) -> dict[str, Any]:
    """django-csp's CONTENT_SECURITY_POLICY setting: the policy of every HTML page."""
    return {"DIRECTIVES": {
        "default-src": [SELF],
        # Scripts: Atelier's files (htmx, app.js, the admin's) and nonce'd tags. htmx runs
        # without eval as long as no template uses hx-on, hx-vals="js:…" or trigger filters.
        "script-src": [SELF, NONCE],
        # Styles: stylesheets only; no style="" attribute, no <style> block (htmx's indicator
        # style is turned off by the htmx-config meta tag, its rules are in app.css).
        "style-src": [SELF],
        # data: for the blank favicon and the admin's icons; blob: for canvas exports.
        "img-src": [SELF, "data:", "blob:", *image_hosts],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }}


# /api/docs/ (drf-spectacular's Swagger UI, from the sidecar package under /static/): its page
# has an inline <style> block and an inline start-up script. templates/drf_spectacular/
# swagger_ui.html gives both the request's nonce, so only nonce'd styles are added here, never
# 'unsafe-inline'. The UI itself builds styles through the CSSOM, which CSP does not govern.
SWAGGER_UI: dict[str, Any] = {"style-src": [NONCE]}
