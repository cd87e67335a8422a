from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.estimate import Estimate
from ...models.job import Job
from ...models.job_request import JobRequest
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: JobRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/jobs",
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | Estimate | Job | None:
    if response.status_code == 200:
        response_200 = Estimate.from_dict(response.json())

        return response_200

    if response.status_code == 202:
        response_202 = Job.from_dict(response.json())

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

    if response.status_code == 422:
        response_422 = Error.from_dict(response.json())

        return response_422

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | Estimate | Job]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: JobRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[Error | Estimate | Job]:
    """Submit a job

     Make 1 to n images with one model: from a prompt, from a brand template and its `slots`, or from
    uploaded images (`images`, `mask`), including the compositions `packshot` (a product photo cut out
    by the model and centred on a marketplace preset's canvas, charged as the cut-out) and `shadow` (on
    the `local` model, free). Answers 202 with the queued job (poll `GET /jobs/{id}` or subscribe to the
    `job.*` webhooks), or, with `dry_run`, 200 with the estimate and nothing made. Fields left out come
    from the template, then from the model; a field given always wins. Needs a key with the `write`
    scope.

    Args:
        idempotency_key (str | Unset):
        body (JobRequest | Unset): The body of `POST /jobs` and, plus `sku`, of each batch row.
            Leave out what the template or the model should decide.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Estimate | Job]
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
    body: JobRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Error | Estimate | Job | None:
    """Submit a job

     Make 1 to n images with one model: from a prompt, from a brand template and its `slots`, or from
    uploaded images (`images`, `mask`), including the compositions `packshot` (a product photo cut out
    by the model and centred on a marketplace preset's canvas, charged as the cut-out) and `shadow` (on
    the `local` model, free). Answers 202 with the queued job (poll `GET /jobs/{id}` or subscribe to the
    `job.*` webhooks), or, with `dry_run`, 200 with the estimate and nothing made. Fields left out come
    from the template, then from the model; a field given always wins. Needs a key with the `write`
    scope.

    Args:
        idempotency_key (str | Unset):
        body (JobRequest | Unset): The body of `POST /jobs` and, plus `sku`, of each batch row.
            Leave out what the template or the model should decide.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Estimate | Job
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: JobRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[Error | Estimate | Job]:
    """Submit a job

     Make 1 to n images with one model: from a prompt, from a brand template and its `slots`, or from
    uploaded images (`images`, `mask`), including the compositions `packshot` (a product photo cut out
    by the model and centred on a marketplace preset's canvas, charged as the cut-out) and `shadow` (on
    the `local` model, free). Answers 202 with the queued job (poll `GET /jobs/{id}` or subscribe to the
    `job.*` webhooks), or, with `dry_run`, 200 with the estimate and nothing made. Fields left out come
    from the template, then from the model; a field given always wins. Needs a key with the `write`
    scope.

    Args:
        idempotency_key (str | Unset):
        body (JobRequest | Unset): The body of `POST /jobs` and, plus `sku`, of each batch row.
            Leave out what the template or the model should decide.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Estimate | Job]
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
    body: JobRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Error | Estimate | Job | None:
    """Submit a job

     Make 1 to n images with one model: from a prompt, from a brand template and its `slots`, or from
    uploaded images (`images`, `mask`), including the compositions `packshot` (a product photo cut out
    by the model and centred on a marketplace preset's canvas, charged as the cut-out) and `shadow` (on
    the `local` model, free). Answers 202 with the queued job (poll `GET /jobs/{id}` or subscribe to the
    `job.*` webhooks), or, with `dry_run`, 200 with the estimate and nothing made. Fields left out come
    from the template, then from the model; a field given always wins. Needs a key with the `write`
    scope.

    Args:
        idempotency_key (str | Unset):
        body (JobRequest | Unset): The body of `POST /jobs` and, plus `sku`, of each batch row.
            Leave out what the template or the model should decide.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Estimate | Job
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
