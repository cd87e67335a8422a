"""GET /api/v1/usage: the tenant's own month of usage against its quota."""

from __future__ import annotations

import re

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from api.authentication import request_tenant
from api.base import TenantAPIView
from api.serializers import UsageSerializer
from billing.services import usage
from core.errors import InvalidParameter

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class UsageView(TenantAPIView):
    @extend_schema(responses={200: UsageSerializer}, parameters=[
        OpenApiParameter("month", str, pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
                         description="YYYY-MM (default: this month, UTC)")])
    def get(self, request: Request) -> Response:
        month = request.query_params.get("month")
        if month is not None and not MONTH.match(month):
            raise InvalidParameter(f"month: expected YYYY-MM (got {month!r})", field="month")
        return Response(usage(request_tenant(request), month))
