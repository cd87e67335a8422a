from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.list_webhook_deliveries_ordering import ListWebhookDeliveriesOrdering
from ...models.paginated_webhook_delivery_list import PaginatedWebhookDeliveryList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    id: UUID,
    *,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    ordering: ListWebhookDeliveriesOrdering | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["cursor"] = cursor

    params["limit"] = limit

    json_ordering: str | Unset = UNSET
    if not isinstance(ordering, Unset):
        json_ordering = ordering.value

    params["ordering"] = json_ordering

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/webhooks/{id}/deliveries".format(
            id=quote(str(id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | PaginatedWebhookDeliveryList | None:
    if response.status_code == 200:
        response_200 = PaginatedWebhookDeliveryList.from_dict(response.json())

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | PaginatedWebhookDeliveryList]:
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
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    ordering: ListWebhookDeliveriesOrdering | Unset = UNSET,
) -> Response[Error | PaginatedWebhookDeliveryList]:
    """List an endpoint's deliveries

     The delivery log, newest first: every event sent to this endpoint with each attempt's time, HTTP
    status or error.

    Args:
        id (UUID):
        cursor (str | Unset):
        limit (int | Unset):
        ordering (ListWebhookDeliveriesOrdering | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PaginatedWebhookDeliveryList]
    """

    kwargs = _get_kwargs(
        id=id,
        cursor=cursor,
        limit=limit,
        ordering=ordering,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: UUID,
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    ordering: ListWebhookDeliveriesOrdering | Unset = UNSET,
) -> Error | PaginatedWebhookDeliveryList | None:
    """List an endpoint's deliveries

     The delivery log, newest first: every event sent to this endpoint with each attempt's time, HTTP
    status or error.

    Args:
        id (UUID):
        cursor (str | Unset):
        limit (int | Unset):
        ordering (ListWebhookDeliveriesOrdering | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PaginatedWebhookDeliveryList
    """

    return sync_detailed(
        id=id,
        client=client,
        cursor=cursor,
        limit=limit,
        ordering=ordering,
    ).parsed


async def asyncio_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    ordering: ListWebhookDeliveriesOrdering | Unset = UNSET,
) -> Response[Error | PaginatedWebhookDeliveryList]:
    """List an endpoint's deliveries

     The delivery log, newest first: every event sent to this endpoint with each attempt's time, HTTP
    status or error.

    Args:
        id (UUID):
        cursor (str | Unset):
        limit (int | Unset):
        ordering (ListWebhookDeliveriesOrdering | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PaginatedWebhookDeliveryList]
    """

    kwargs = _get_kwargs(
        id=id,
        cursor=cursor,
        limit=limit,
        ordering=ordering,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: UUID,
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    ordering: ListWebhookDeliveriesOrdering | Unset = UNSET,
) -> Error | PaginatedWebhookDeliveryList | None:
    """List an endpoint's deliveries

     The delivery log, newest first: every event sent to this endpoint with each attempt's time, HTTP
    status or error.

    Args:
        id (UUID):
        cursor (str | Unset):
        limit (int | Unset):
        ordering (ListWebhookDeliveriesOrdering | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PaginatedWebhookDeliveryList
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            cursor=cursor,
            limit=limit,
            ordering=ordering,
        )
    ).parsed
