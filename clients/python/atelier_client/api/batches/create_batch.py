from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.batch import Batch
from ...models.batch_request import BatchRequest
from ...models.batch_upload import BatchUpload
from ...models.error import Error
from ...types import UNSET, File, Response, Unset


def _get_kwargs(
    *,
    body: BatchRequest | BatchUpload | File | Unset = UNSET,
    model: str | Unset = UNSET,
    name: str | Unset = UNSET,
    template: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    params: dict[str, Any] = {}

    params["model"] = model

    params["name"] = name

    params["template"] = template

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/batches",
        "params": params,
    }

    if isinstance(body, BatchRequest):
        if not isinstance(body, Unset):
            _kwargs["json"] = body.to_dict()

        headers["Content-Type"] = "application/json"
    if isinstance(body, BatchUpload):
        if not isinstance(body, Unset):
            _kwargs["files"] = body.to_multipart()

        headers["Content-Type"] = "multipart/form-data; boundary=+++"
    if isinstance(body, File):
        if not isinstance(body, Unset):
            _kwargs["content"] = body.payload
        headers["Content-Type"] = "text/csv"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Batch | Error | None:
    if response.status_code == 202:
        response_202 = Batch.from_dict(response.json())

        return response_202

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 402:
        response_402 = Error.from_dict(response.json())

        return response_402

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

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Batch | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: BatchRequest | BatchUpload | File | Unset = UNSET,
    model: str | Unset = UNSET,
    name: str | Unset = UNSET,
    template: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[Batch | Error]:
    """Submit a batch

     Many rows, one job each, accepted or refused as a whole: every row is checked (errors list row and
    column) and the batch is reserved against the month's quota before any job is queued.

    Args:
        model (str | Unset):
        name (str | Unset):
        template (str | Unset):
        idempotency_key (str | Unset):
        body (BatchRequest | Unset): The JSON body (the view reads it with _options: an unknown
            field is refused, and a
            blank `template` or `model` is none).
        body (BatchUpload | Unset): The multipart form (read with _options, as the JSON body).
        body (File | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Batch | Error]
    """

    kwargs = _get_kwargs(
        body=body,
        model=model,
        name=name,
        template=template,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: BatchRequest | BatchUpload | File | Unset = UNSET,
    model: str | Unset = UNSET,
    name: str | Unset = UNSET,
    template: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Batch | Error | None:
    """Submit a batch

     Many rows, one job each, accepted or refused as a whole: every row is checked (errors list row and
    column) and the batch is reserved against the month's quota before any job is queued.

    Args:
        model (str | Unset):
        name (str | Unset):
        template (str | Unset):
        idempotency_key (str | Unset):
        body (BatchRequest | Unset): The JSON body (the view reads it with _options: an unknown
            field is refused, and a
            blank `template` or `model` is none).
        body (BatchUpload | Unset): The multipart form (read with _options, as the JSON body).
        body (File | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Batch | Error
    """

    return sync_detailed(
        client=client,
        body=body,
        model=model,
        name=name,
        template=template,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: BatchRequest | BatchUpload | File | Unset = UNSET,
    model: str | Unset = UNSET,
    name: str | Unset = UNSET,
    template: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[Batch | Error]:
    """Submit a batch

     Many rows, one job each, accepted or refused as a whole: every row is checked (errors list row and
    column) and the batch is reserved against the month's quota before any job is queued.

    Args:
        model (str | Unset):
        name (str | Unset):
        template (str | Unset):
        idempotency_key (str | Unset):
        body (BatchRequest | Unset): The JSON body (the view reads it with _options: an unknown
            field is refused, and a
            blank `template` or `model` is none).
        body (BatchUpload | Unset): The multipart form (read with _options, as the JSON body).
        body (File | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Batch | Error]
    """

    kwargs = _get_kwargs(
        body=body,
        model=model,
        name=name,
        template=template,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: BatchRequest | BatchUpload | File | Unset = UNSET,
    model: str | Unset = UNSET,
    name: str | Unset = UNSET,
    template: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Batch | Error | None:
    """Submit a batch

     Many rows, one job each, accepted or refused as a whole: every row is checked (errors list row and
    column) and the batch is reserved against the month's quota before any job is queued.

    Args:
        model (str | Unset):
        name (str | Unset):
        template (str | Unset):
        idempotency_key (str | Unset):
        body (BatchRequest | Unset): The JSON body (the view reads it with _options: an unknown
            field is refused, and a
            blank `template` or `model` is none).
        body (BatchUpload | Unset): The multipart form (read with _options, as the JSON body).
        body (File | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Batch | Error
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            model=model,
            name=name,
            template=template,
            idempotency_key=idempotency_key,
        )
    ).parsed
