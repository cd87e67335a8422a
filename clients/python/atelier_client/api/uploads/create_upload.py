from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.asset import Asset
from ...models.error import Error
from ...models.upload_base_64 import UploadBase64
from ...models.upload_file import UploadFile
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: UploadFile | UploadBase64 | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/uploads",
    }

    if isinstance(body, UploadFile):
        _kwargs["files"] = body.to_multipart()

        headers["Content-Type"] = "multipart/form-data; boundary=+++"
    if isinstance(body, UploadBase64):
        _kwargs["json"] = body.to_dict()

        headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Asset | Error | None:
    if response.status_code == 201:
        response_201 = Asset.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Error.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = Error.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Error.from_dict(response.json())

        return response_415

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Asset | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: UploadFile | UploadBase64 | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[Asset | Error]:
    """Upload a source image or mask

     Send an image for `images` or `mask`: as a multipart `file`, or as JSON with the image in base64
    `data` (and an optional `filename`). Answers 201 with the upload, whose `id` jobs take. Needs a key
    with the `write` scope.

    Args:
        idempotency_key (str | Unset):
        body (UploadFile):
        body (UploadBase64): UploadSerializer's JSON shape: neither field may be blank (DRF's
            CharField refuses "").

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Asset | Error]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: UploadFile | UploadBase64 | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Asset | Error | None:
    """Upload a source image or mask

     Send an image for `images` or `mask`: as a multipart `file`, or as JSON with the image in base64
    `data` (and an optional `filename`). Answers 201 with the upload, whose `id` jobs take. Needs a key
    with the `write` scope.

    Args:
        idempotency_key (str | Unset):
        body (UploadFile):
        body (UploadBase64): UploadSerializer's JSON shape: neither field may be blank (DRF's
            CharField refuses "").

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Asset | Error
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: UploadFile | UploadBase64 | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[Asset | Error]:
    """Upload a source image or mask

     Send an image for `images` or `mask`: as a multipart `file`, or as JSON with the image in base64
    `data` (and an optional `filename`). Answers 201 with the upload, whose `id` jobs take. Needs a key
    with the `write` scope.

    Args:
        idempotency_key (str | Unset):
        body (UploadFile):
        body (UploadBase64): UploadSerializer's JSON shape: neither field may be blank (DRF's
            CharField refuses "").

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Asset | Error]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: UploadFile | UploadBase64 | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Asset | Error | None:
    """Upload a source image or mask

     Send an image for `images` or `mask`: as a multipart `file`, or as JSON with the image in base64
    `data` (and an optional `filename`). Answers 201 with the upload, whose `id` jobs take. Needs a key
    with the `write` scope.

    Args:
        idempotency_key (str | Unset):
        body (UploadFile):
        body (UploadBase64): UploadSerializer's JSON shape: neither field may be blank (DRF's
            CharField refuses "").

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Asset | Error
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
