"""The public page /verify: anyone (signed in or not) uploads an image and reads, in words,
whether Atelier made it, when, with which model, whether it was changed since and what its
Content Credentials say. A plain form (works without JavaScript, CSRF-protected); the same
answer as POST /api/v1/verify, under the same per-address limit, and the same for everyone:
nothing on it depends on who is signed in."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from api.verify import VerifyRateThrottle, verify_body_limit
from core.body_limits import limit_body
from core.errors import InvalidParameter
from provenance.verify import verify

TEMPLATE = "dashboard/verify.html"


@require_http_methods(["GET", "POST"])
@limit_body(verify_body_limit)
def verify_page(request: HttpRequest) -> HttpResponse:
    context = {"title": "Verify an image",
               "max_megabytes": settings.ATELIER_UPLOAD_MAX_BYTES // (1024 * 1024)}
    if request.method == "GET":
        return render(request, TEMPLATE, context)
    throttle = VerifyRateThrottle()
    if not throttle.allow_request(request, None):
        wait = throttle.wait()
        response = render(request, TEMPLATE, {
            **context, "error": "Too many verifications from your address; try again in "
                                f"{int(wait or 60) + 1} seconds."}, status=429)
        response["Retry-After"] = str(int(wait or 60) + 1)
        return response
    files = request.FILES.getlist("file")
    try:
        if len(files) != 1:
            raise InvalidParameter("file: choose one image to verify", field="file")
        report = verify(files[0].read(settings.ATELIER_UPLOAD_MAX_BYTES + 1))
    except InvalidParameter as exc:
        return render(request, TEMPLATE, {**context, "error": exc.message}, status=400)
    return render(request, TEMPLATE, {**context, "report": report.as_dict()})
