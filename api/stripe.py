"""POST /billing/stripe/webhook: Stripe's signed callbacks (no API key; the signature is the
authentication)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from billing.stripe_sync import BadSignature, handle_webhook


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    try:
        outcome = handle_webhook(request.body, request.headers.get("Stripe-Signature", ""))
    except BadSignature as exc:
        return JsonResponse({"code": "bad_signature", "message": str(exc)}, status=400)
    return JsonResponse({"received": True, "outcome": outcome})
