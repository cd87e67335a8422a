from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.verification import Verification
from ...models.verify_upload import VerifyUpload
from ...types import UNSET, File, Response, Unset


def _get_kwargs(
    *,
    body: VerifyUpload | File | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/verify",
    }

    if isinstance(body, VerifyUpload):
        if not isinstance(body, Unset):
            _kwargs["files"] = body.to_multipart()

        headers["Content-Type"] = "multipart/form-data; boundary=+++"
    if isinstance(body, File):
        if not isinstance(body, Unset):
            _kwargs["content"] = body.payload
        headers["Content-Type"] = "image/*"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | Verification | None:
    if response.status_code == 200:
        response_200 = Verification.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | Verification]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: VerifyUpload | File | Unset = UNSET,
) -> Response[Error | Verification]:
    """Verify an image

     Did Atelier make this image, when, with which model, and has it been changed since? Send a PNG,
    JPEG, WebP or AVIF image as multipart `file` or as the body (`Content-Type: image/png`, …); any
    other format is a 400 (`invalid_image`). No API key; rate-limited per address.

    Args:
        body (VerifyUpload | Unset):
        body (File | Unset): The image itself, with its own Content-Type: image/png, image/jpeg,
            image/webp, image/avif.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Verification]
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
    client: AuthenticatedClient | Client,
    body: VerifyUpload | File | Unset = UNSET,
) -> Error | Verification | None:
    """Verify an image

     Did Atelier make this image, when, with which model, and has it been changed since? Send a PNG,
    JPEG, WebP or AVIF image as multipart `file` or as the body (`Content-Type: image/png`, …); any
    other format is a 400 (`invalid_image`). No API key; rate-limited per address.

    Args:
        body (VerifyUpload | Unset):
        body (File | Unset): The image itself, with its own Content-Type: image/png, image/jpeg,
            image/webp, image/avif.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Verification
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: VerifyUpload | File | Unset = UNSET,
) -> Response[Error | Verification]:
    """Verify an image

     Did Atelier make this image, when, with which model, and has it been changed since? Send a PNG,
    JPEG, WebP or AVIF image as multipart `file` or as the body (`Content-Type: image/png`, …); any
    other format is a 400 (`invalid_image`). No API key; rate-limited per address.

    Args:
        body (VerifyUpload | Unset):
        body (File | Unset): The image itself, with its own Content-Type: image/png, image/jpeg,
            image/webp, image/avif.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Verification]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: VerifyUpload | File | Unset = UNSET,
) -> Error | Verification | None:
    """Verify an image

     Did Atelier make this image, when, with which model, and has it been changed since? Send a PNG,
    JPEG, WebP or AVIF image as multipart `file` or as the body (`Content-Type: image/png`, …); any
    other format is a 400 (`invalid_image`). No API key; rate-limited per address.

    Args:
        body (VerifyUpload | Unset):
        body (File | Unset): The image itself, with its own Content-Type: image/png, image/jpeg,
            image/webp, image/avif.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Verification
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
