from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.fallbacks import Fallbacks
from ...types import Response


def _get_kwargs(
    *,
    body: Fallbacks,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/api/v1/fallbacks",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | Fallbacks | None:
    if response.status_code == 200:
        response_200 = Fallbacks.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | Fallbacks]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: Fallbacks,
) -> Response[Error | Fallbacks]:
    """Set your fallback models

     Replace your fallbacks: when a model is retired or unavailable, jobs naming it run on its fallback
    instead (the job's `fallback` says so, a `job.fallback` webhook is sent, and the price is the
    fallback's) rather than failing. `{}` removes them all. Needs a key with the `write` scope.

    Args:
        body (Fallbacks): A serializer mixin: a body field the serializer does not know is a 400
            naming it,
            not silently ignored (a typo such as `negative_promt` must not pass unnoticed).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Fallbacks]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: Fallbacks,
) -> Error | Fallbacks | None:
    """Set your fallback models

     Replace your fallbacks: when a model is retired or unavailable, jobs naming it run on its fallback
    instead (the job's `fallback` says so, a `job.fallback` webhook is sent, and the price is the
    fallback's) rather than failing. `{}` removes them all. Needs a key with the `write` scope.

    Args:
        body (Fallbacks): A serializer mixin: a body field the serializer does not know is a 400
            naming it,
            not silently ignored (a typo such as `negative_promt` must not pass unnoticed).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Fallbacks
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: Fallbacks,
) -> Response[Error | Fallbacks]:
    """Set your fallback models

     Replace your fallbacks: when a model is retired or unavailable, jobs naming it run on its fallback
    instead (the job's `fallback` says so, a `job.fallback` webhook is sent, and the price is the
    fallback's) rather than failing. `{}` removes them all. Needs a key with the `write` scope.

    Args:
        body (Fallbacks): A serializer mixin: a body field the serializer does not know is a 400
            naming it,
            not silently ignored (a typo such as `negative_promt` must not pass unnoticed).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Fallbacks]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: Fallbacks,
) -> Error | Fallbacks | None:
    """Set your fallback models

     Replace your fallbacks: when a model is retired or unavailable, jobs naming it run on its fallback
    instead (the job's `fallback` says so, a `job.fallback` webhook is sent, and the price is the
    fallback's) rather than failing. `{}` removes them all. Needs a key with the `write` scope.

    Args:
        body (Fallbacks): A serializer mixin: a body field the serializer does not know is a 400
            naming it,
            not silently ignored (a typo such as `negative_promt` must not pass unnoticed).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Fallbacks
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
