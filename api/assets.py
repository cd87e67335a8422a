"""REST endpoints for assets."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.authentication import request_tenant
from api.base import (
    NewestFirst,
    TenantViewSet,
    filtered,
    id_parameter,
    list_parameters,
    paginated,
    serializer_context,
)
from api.schema import PAGE_SIZE
from assets.models import Asset
from assets.serializers import AssetSerializer
from assets.services import delete_asset, get_asset, promote_asset

ASSET_FILTERS = {"stage": ("stage", Asset.Stage.values), "kind": ("kind", Asset.Kind.values),
                 "model": ("model_key", None), "job": ("job_id", None),
                 "moderation_status": ("moderation_status", Asset.Moderation.values)}


class AssetViewSet(TenantViewSet):
    pagination_class = NewestFirst

    @extend_schema(responses=AssetSerializer(many=True),
                   parameters=[*list_parameters(ASSET_FILTERS), PAGE_SIZE])
    def list(self, request: Request) -> Response:
        assets = filtered(request, Asset.objects.for_tenant(request_tenant(request))
                          .defer("moderation"), ASSET_FILTERS)  # not part of the answer
        return paginated(request, assets, AssetSerializer, self)

    @extend_schema(responses=AssetSerializer, parameters=[id_parameter("asset")])
    def retrieve(self, request: Request, pk: str) -> Response:
        asset = get_asset(request_tenant(request), pk)
        return Response(AssetSerializer(asset, context=serializer_context(request)).data)

    @extend_schema(request=None, responses=AssetSerializer, parameters=[id_parameter("asset")])
    @action(detail=True, methods=["post"])
    def promote(self, request: Request, pk: str) -> Response:
        asset = promote_asset(request_tenant(request), pk)
        return Response(AssetSerializer(asset, context=serializer_context(request)).data)

    @extend_schema(responses={204: None}, parameters=[id_parameter("asset")])
    def destroy(self, request: Request, pk: str) -> Response:
        delete_asset(request_tenant(request), pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
