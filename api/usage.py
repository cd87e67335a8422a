"""GET /api/v1/usage: the tenant's own month of usage against its quota, and the prompt
assistant's calls of the month as a line of their own."""

from __future__ import annotations

import re

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from api.authentication import request_tenant
from api.base import TenantAPIView
from api.serializers import MonthUsageSerializer
from billing.assistant_usage import month_usage
from billing.services import current_month, usage
from core.errors import InvalidParameter

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class UsageView(TenantAPIView):
    @extend_schema(responses={200: MonthUsageSerializer}, parameters=[
        OpenApiParameter("month", str, pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
                         description="YYYY-MM (default: this month, UTC)")])
    def get(self, request: Request) -> Response:
        month = request.query_params.get("month")
        if month is not None and not MONTH.match(month):
            raise InvalidParameter(f"month: expected YYYY-MM (got {month!r})", field="month")
        tenant = request_tenant(request)
        return Response({**usage(tenant, month),
                         "prompt_assistant": month_usage(tenant, month or current_month())})
