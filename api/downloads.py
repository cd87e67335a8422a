"""Atelier's own download endpoint for signed, expiring links: every link of the embedded
default, and on any storage the links to renditions made on first request (AVIF,
assets/rendition_links.py). S3 and CloudFront links of stored objects go to those services."""

from __future__ import annotations

from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponseBase,
    HttpResponseForbidden,
    HttpResponseRedirect,
)
from django.views.decorators.http import require_GET

from assets import signing
from assets.delivery import cdn_enabled, link_for_key
from assets.services import open_deliverable, requested_rendition
from assets.storage import on_s3


@require_GET
def download(request: HttpRequest, key: str) -> HttpResponseBase:
    purpose = request.GET.get("purpose", "download")
    problem = signing.verify(key, request.GET.get("exp", ""), request.GET.get("name", ""),
                             request.GET.get("sig", ""), purpose=purpose)
    if problem:
        return HttpResponseForbidden(f"Forbidden: {problem}.", content_type="text/plain")
    if purpose == "download" and (on_s3() or cdn_enabled()):
        # The stored object has a link of its own: make it if needed, then send the client on.
        rendition = requested_rendition(key)
        if rendition is not None:
            link = link_for_key(rendition.storage_key, request.GET["name"],
                                base_url=request.build_absolute_uri("/"))
            response: HttpResponseBase = HttpResponseRedirect(link.url)
            response["Cache-Control"] = "private, no-store"
            return response
    found = open_deliverable(key, for_review=purpose == "review")
    if found is None and purpose == "download" and requested_rendition(key) is not None:
        found = open_deliverable(key)  # an on-request rendition, made just now
    if found is None:
        raise Http404("No such file.")
    content_type, handle = found
    response = FileResponse(handle, content_type=content_type,
                            filename=request.GET["name"], as_attachment=False)
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response
