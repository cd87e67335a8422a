"""The embedded default's download endpoint for signed, expiring links (S3 and CloudFront
links go to those services instead)."""

from __future__ import annotations

from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponseBase,
    HttpResponseForbidden,
)
from django.views.decorators.http import require_GET

from assets import signing
from assets.services import open_deliverable


@require_GET
def download(request: HttpRequest, key: str) -> HttpResponseBase:
    purpose = request.GET.get("purpose", "download")
    problem = signing.verify(key, request.GET.get("exp", ""), request.GET.get("name", ""),
                             request.GET.get("sig", ""), purpose=purpose)
    if problem:
        return HttpResponseForbidden(f"Forbidden: {problem}.", content_type="text/plain")
    found = open_deliverable(key, for_review=purpose == "review")
    if found is None:
        raise Http404("No such file.")
    content_type, handle = found
    response = FileResponse(handle, content_type=content_type,
                            filename=request.GET["name"], as_attachment=False)
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response
