"""Bedrock's control plane (the `bedrock` service, not `bedrock-runtime`), translated.

Which image models a Region offers (ListFoundationModels), each one's lifecycle
(GetFoundationModel), whether this account may call it (GetFoundationModelAvailability) and
the inference profiles that reach it (ListInferenceProfiles). The request and answer shapes
are those of botocore's service model for `bedrock` 2023-04-20. This module only translates:
what the answers mean for Atelier is decided by providers.fleet_sync and catalog.fleet.

Control-plane calls are few and cheap, so boto3 retries them itself (`standard` mode, three
attempts) with short timeouts: an unreachable endpoint fails the sync in seconds, not minutes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from core.once import made_once

ATTEMPTS = 3
NOT_FOUND = "ResourceNotFoundException"


class ControlPlaneError(Exception):
    """A control-plane call failed: `code` is AWS's exception name, or `unreachable`."""

    def __init__(self, code: str, message: str, operation: str, region: str) -> None:
        super().__init__(f"{operation} in {region}: {code}: {message}")
        self.code, self.message, self.operation, self.region = code, message, operation, region


@dataclass(frozen=True)
class FoundationModel:
    model_id: str
    arn: str
    name: str
    provider: str
    output_modalities: tuple[str, ...]
    status: str  # modelLifecycle.status: ACTIVE | LEGACY
    start_of_life: datetime | None
    legacy_at: datetime | None
    extended_access_at: datetime | None  # publicExtendedAccessTime
    eol_at: datetime | None  # endOfLifeTime


@dataclass(frozen=True)
class Availability:
    """GetFoundationModelAvailability, flattened: `granted` when every part says available."""

    granted: bool
    detail: str  # the parts that are not available, e.g. "authorizationStatus NOT_AUTHORIZED"


@dataclass(frozen=True)
class InferenceProfile:
    profile_id: str
    status: str
    type: str  # SYSTEM_DEFINED | APPLICATION
    model_ids: tuple[str, ...]  # the foundation models it routes to (from their ARNs)
    regions: tuple[str, ...]  # the Regions it routes to


@made_once
def _client(region: str, endpoint: str | None) -> Any:
    config = Config(connect_timeout=5, read_timeout=30,
                    retries={"mode": "standard", "total_max_attempts": ATTEMPTS})
    # A session of its own (boto3's default session caches the first credentials it resolves).
    return boto3.session.Session().client("bedrock", region_name=region, config=config)


def client(region: str) -> Any:
    """One client per Region (and per endpoint: AWS_ENDPOINT_URL_BEDROCK moves it)."""
    return _client(region, os.environ.get("AWS_ENDPOINT_URL_BEDROCK"))


def _call(region: str, operation: str, **params: Any) -> dict[str, Any]:
    try:
        answer: dict[str, Any] = getattr(client(region), operation)(**params)
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise ControlPlaneError(error.get("Code", "ClientError"), error.get("Message", ""),
                                operation, region) from exc
    except BotoCoreError as exc:  # no connection, timeouts: the endpoint is unreachable
        raise ControlPlaneError("unreachable", str(exc), operation, region) from exc
    return answer


def _model(raw: dict[str, Any]) -> FoundationModel:
    life = raw.get("modelLifecycle") or {}
    return FoundationModel(
        model_id=raw["modelId"], arn=raw["modelArn"], name=raw.get("modelName", ""),
        provider=raw.get("providerName", ""),
        output_modalities=tuple(raw.get("outputModalities", ())),
        status=life.get("status", ""), start_of_life=life.get("startOfLifeTime"),
        legacy_at=life.get("legacyTime"), extended_access_at=life.get("publicExtendedAccessTime"),
        eol_at=life.get("endOfLifeTime"))


def list_image_models(region: str) -> list[FoundationModel]:
    """ListFoundationModels(byOutputModality=IMAGE): the image models offered in the Region."""
    answer = _call(region, "list_foundation_models", byOutputModality="IMAGE")
    return [_model(raw) for raw in answer.get("modelSummaries", [])]


def get_model(region: str, model_id: str) -> FoundationModel | None:
    """GetFoundationModel; None when the Region does not have the model (404)."""
    try:
        answer = _call(region, "get_foundation_model", modelIdentifier=model_id)
    except ControlPlaneError as exc:
        if exc.code == NOT_FOUND:
            return None
        raise
    return _model(answer["modelDetails"])


def get_availability(region: str, model_id: str) -> Availability:
    """GetFoundationModelAvailability: agreement, authorization, entitlement and Region."""
    answer = _call(region, "get_foundation_model_availability", modelId=model_id)
    parts = {
        "agreementAvailability": (answer["agreementAvailability"]["status"], "AVAILABLE"),
        "authorizationStatus": (answer["authorizationStatus"], "AUTHORIZED"),
        "entitlementAvailability": (answer["entitlementAvailability"], "AVAILABLE"),
        "regionAvailability": (answer["regionAvailability"], "AVAILABLE"),
    }
    missing = [f"{name} {value}" for name, (value, wanted) in parts.items() if value != wanted]
    message = answer["agreementAvailability"].get("errorMessage")
    if message:
        missing.append(message)
    return Availability(granted=not missing, detail="; ".join(missing))


def _model_of_arn(arn: str) -> tuple[str, str]:
    """`arn:aws:bedrock:us-west-2::foundation-model/ID` -> (ID, us-west-2)."""
    return arn.rsplit("/", 1)[-1], arn.split(":")[3]


def list_profiles(region: str) -> list[InferenceProfile]:
    """ListInferenceProfiles (SYSTEM_DEFINED), every page."""
    profiles: list[InferenceProfile] = []
    token: str | None = None
    while True:
        params: dict[str, Any] = {"typeEquals": "SYSTEM_DEFINED", "maxResults": 1000}
        if token:
            params["nextToken"] = token
        answer = _call(region, "list_inference_profiles", **params)
        for raw in answer.get("inferenceProfileSummaries", []):
            routed = [_model_of_arn(m["modelArn"]) for m in raw["models"] if "modelArn" in m]
            profiles.append(InferenceProfile(
                profile_id=raw["inferenceProfileId"], status=raw["status"], type=raw["type"],
                model_ids=tuple(dict.fromkeys(model for model, _ in routed)),
                regions=tuple(dict.fromkeys(where for _, where in routed))))
        token = answer.get("nextToken")
        if not token:
            return profiles
