from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.check import Check
from ...models.error import Error
from ...types import UNSET, Response, Unset


def _get_kwargs(
    id: UUID,
    *,
    preset: str,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    params: dict[str, Any] = {}

    params["preset"] = preset

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/assets/{id}/check".format(
            id=quote(str(id), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Check | Error | None:
    if response.status_code == 200:
        response_200 = Check.from_dict(response.json())

        return response_200

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

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Check | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient,
    preset: str,
    idempotency_key: str | Unset = UNSET,
) -> Response[Check | Error]:
    """Check an image against a marketplace preset

     Measure one of your images against `preset` and answer pass or fail per rule (format, size, aspect,
    colour space, transparency, background purity, product fill, text in the background) with the
    measured value, the limit and the fix that would make it pass. Changes nothing. 409 for an image
    rejected by moderation. Needs a key with the `write` scope.

    Args:
        id (UUID):
        preset (str):
        idempotency_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Check | Error]
    """

    kwargs = _get_kwargs(
        id=id,
        preset=preset,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: UUID,
    *,
    client: AuthenticatedClient,
    preset: str,
    idempotency_key: str | Unset = UNSET,
) -> Check | Error | None:
    """Check an image against a marketplace preset

     Measure one of your images against `preset` and answer pass or fail per rule (format, size, aspect,
    colour space, transparency, background purity, product fill, text in the background) with the
    measured value, the limit and the fix that would make it pass. Changes nothing. 409 for an image
    rejected by moderation. Needs a key with the `write` scope.

    Args:
        id (UUID):
        preset (str):
        idempotency_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Check | Error
    """

    return sync_detailed(
        id=id,
        client=client,
        preset=preset,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient,
    preset: str,
    idempotency_key: str | Unset = UNSET,
) -> Response[Check | Error]:
    """Check an image against a marketplace preset

     Measure one of your images against `preset` and answer pass or fail per rule (format, size, aspect,
    colour space, transparency, background purity, product fill, text in the background) with the
    measured value, the limit and the fix that would make it pass. Changes nothing. 409 for an image
    rejected by moderation. Needs a key with the `write` scope.

    Args:
        id (UUID):
        preset (str):
        idempotency_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Check | Error]
    """

    kwargs = _get_kwargs(
        id=id,
        preset=preset,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: UUID,
    *,
    client: AuthenticatedClient,
    preset: str,
    idempotency_key: str | Unset = UNSET,
) -> Check | Error | None:
    """Check an image against a marketplace preset

     Measure one of your images against `preset` and answer pass or fail per rule (format, size, aspect,
    colour space, transparency, background purity, product fill, text in the background) with the
    measured value, the limit and the fix that would make it pass. Changes nothing. 409 for an image
    rejected by moderation. Needs a key with the `write` scope.

    Args:
        id (UUID):
        preset (str):
        idempotency_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Check | Error
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            preset=preset,
            idempotency_key=idempotency_key,
        )
    ).parsed
