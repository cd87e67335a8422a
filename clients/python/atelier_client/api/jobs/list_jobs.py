import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.list_jobs_ordering import ListJobsOrdering
from ...models.list_jobs_stage import ListJobsStage
from ...models.list_jobs_status import ListJobsStatus
from ...models.paginated_job_list_list import PaginatedJobListList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    batch: str | Unset = UNSET,
    created_after: datetime.datetime | Unset = UNSET,
    created_before: datetime.datetime | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    model: str | Unset = UNSET,
    ordering: ListJobsOrdering | Unset = UNSET,
    sku: str | Unset = UNSET,
    stage: ListJobsStage | Unset = UNSET,
    status: ListJobsStatus | Unset = UNSET,
    template: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["batch"] = batch

    json_created_after: str | Unset = UNSET
    if not isinstance(created_after, Unset):
        json_created_after = created_after.isoformat()
    params["created_after"] = json_created_after

    json_created_before: str | Unset = UNSET
    if not isinstance(created_before, Unset):
        json_created_before = created_before.isoformat()
    params["created_before"] = json_created_before

    params["cursor"] = cursor

    params["limit"] = limit

    params["model"] = model

    json_ordering: str | Unset = UNSET
    if not isinstance(ordering, Unset):
        json_ordering = ordering.value

    params["ordering"] = json_ordering

    params["sku"] = sku

    json_stage: str | Unset = UNSET
    if not isinstance(stage, Unset):
        json_stage = stage.value

    params["stage"] = json_stage

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params["template"] = template

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/jobs",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | PaginatedJobListList | None:
    if response.status_code == 200:
        response_200 = PaginatedJobListList.from_dict(response.json())

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
) -> Response[Error | PaginatedJobListList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    batch: str | Unset = UNSET,
    created_after: datetime.datetime | Unset = UNSET,
    created_before: datetime.datetime | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    model: str | Unset = UNSET,
    ordering: ListJobsOrdering | Unset = UNSET,
    sku: str | Unset = UNSET,
    stage: ListJobsStage | Unset = UNSET,
    status: ListJobsStatus | Unset = UNSET,
    template: str | Unset = UNSET,
) -> Response[Error | PaginatedJobListList]:
    """List jobs

     Your jobs, newest first, in cursor pages (follow `next`), without their images; filter by status,
    model, stage, batch, template, SKU and creation time.

    Args:
        batch (str | Unset):
        created_after (datetime.datetime | Unset):
        created_before (datetime.datetime | Unset):
        cursor (str | Unset):
        limit (int | Unset):
        model (str | Unset):
        ordering (ListJobsOrdering | Unset):
        sku (str | Unset):
        stage (ListJobsStage | Unset):
        status (ListJobsStatus | Unset):
        template (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PaginatedJobListList]
    """

    kwargs = _get_kwargs(
        batch=batch,
        created_after=created_after,
        created_before=created_before,
        cursor=cursor,
        limit=limit,
        model=model,
        ordering=ordering,
        sku=sku,
        stage=stage,
        status=status,
        template=template,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    batch: str | Unset = UNSET,
    created_after: datetime.datetime | Unset = UNSET,
    created_before: datetime.datetime | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    model: str | Unset = UNSET,
    ordering: ListJobsOrdering | Unset = UNSET,
    sku: str | Unset = UNSET,
    stage: ListJobsStage | Unset = UNSET,
    status: ListJobsStatus | Unset = UNSET,
    template: str | Unset = UNSET,
) -> Error | PaginatedJobListList | None:
    """List jobs

     Your jobs, newest first, in cursor pages (follow `next`), without their images; filter by status,
    model, stage, batch, template, SKU and creation time.

    Args:
        batch (str | Unset):
        created_after (datetime.datetime | Unset):
        created_before (datetime.datetime | Unset):
        cursor (str | Unset):
        limit (int | Unset):
        model (str | Unset):
        ordering (ListJobsOrdering | Unset):
        sku (str | Unset):
        stage (ListJobsStage | Unset):
        status (ListJobsStatus | Unset):
        template (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PaginatedJobListList
    """

    return sync_detailed(
        client=client,
        batch=batch,
        created_after=created_after,
        created_before=created_before,
        cursor=cursor,
        limit=limit,
        model=model,
        ordering=ordering,
        sku=sku,
        stage=stage,
        status=status,
        template=template,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    batch: str | Unset = UNSET,
    created_after: datetime.datetime | Unset = UNSET,
    created_before: datetime.datetime | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    model: str | Unset = UNSET,
    ordering: ListJobsOrdering | Unset = UNSET,
    sku: str | Unset = UNSET,
    stage: ListJobsStage | Unset = UNSET,
    status: ListJobsStatus | Unset = UNSET,
    template: str | Unset = UNSET,
) -> Response[Error | PaginatedJobListList]:
    """List jobs

     Your jobs, newest first, in cursor pages (follow `next`), without their images; filter by status,
    model, stage, batch, template, SKU and creation time.

    Args:
        batch (str | Unset):
        created_after (datetime.datetime | Unset):
        created_before (datetime.datetime | Unset):
        cursor (str | Unset):
        limit (int | Unset):
        model (str | Unset):
        ordering (ListJobsOrdering | Unset):
        sku (str | Unset):
        stage (ListJobsStage | Unset):
        status (ListJobsStatus | Unset):
        template (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PaginatedJobListList]
    """

    kwargs = _get_kwargs(
        batch=batch,
        created_after=created_after,
        created_before=created_before,
        cursor=cursor,
        limit=limit,
        model=model,
        ordering=ordering,
        sku=sku,
        stage=stage,
        status=status,
        template=template,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    batch: str | Unset = UNSET,
    created_after: datetime.datetime | Unset = UNSET,
    created_before: datetime.datetime | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    model: str | Unset = UNSET,
    ordering: ListJobsOrdering | Unset = UNSET,
    sku: str | Unset = UNSET,
    stage: ListJobsStage | Unset = UNSET,
    status: ListJobsStatus | Unset = UNSET,
    template: str | Unset = UNSET,
) -> Error | PaginatedJobListList | None:
    """List jobs

     Your jobs, newest first, in cursor pages (follow `next`), without their images; filter by status,
    model, stage, batch, template, SKU and creation time.

    Args:
        batch (str | Unset):
        created_after (datetime.datetime | Unset):
        created_before (datetime.datetime | Unset):
        cursor (str | Unset):
        limit (int | Unset):
        model (str | Unset):
        ordering (ListJobsOrdering | Unset):
        sku (str | Unset):
        stage (ListJobsStage | Unset):
        status (ListJobsStatus | Unset):
        template (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PaginatedJobListList
    """

    return (
        await asyncio_detailed(
            client=client,
            batch=batch,
            created_after=created_after,
            created_before=created_before,
            cursor=cursor,
            limit=limit,
            model=model,
            ordering=ordering,
            sku=sku,
            stage=stage,
            status=status,
            template=template,
        )
    ).parsed
