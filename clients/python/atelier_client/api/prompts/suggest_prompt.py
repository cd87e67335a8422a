from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.prompt_suggest_request import PromptSuggestRequest
from ...models.prompt_suggestion import PromptSuggestion
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: PromptSuggestRequest,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/prompts/suggest",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | PromptSuggestion | None:
    if response.status_code == 200:
        response_200 = PromptSuggestion.from_dict(response.json())

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
) -> Response[Error | PromptSuggestion]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: PromptSuggestRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[Error | PromptSuggestion]:
    """Suggest a prompt from a brief

     From a short `brief` (at most 500 characters), a prompt ordered subject, action, setting, lighting,
    style, camera and composition; a negative prompt; and an aspect ratio for the `use` (read from the
    brief when not given). With `model`, the aspect ratio is one the model takes and both prompts fit
    its limits. The brief and the suggestion are moderated as a job's prompt is (422 `prompt_blocked`).
    Made by Atelier's rules (`source: rules`), or by a text model when the operator configured one
    (`source: model`, with its `cost_usd` and `tokens`, also listed under `prompt_assistant` in `GET
    /usage`). Makes no job and no image. Needs a key with the `write` scope.

    Args:
        idempotency_key (str | Unset):
        body (PromptSuggestRequest): A serializer mixin: a body field the serializer does not know
            is a 400 naming it,
            not silently ignored (a typo such as `negative_promt` must not pass unnoticed).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PromptSuggestion]
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
    body: PromptSuggestRequest,
    idempotency_key: str | Unset = UNSET,
) -> Error | PromptSuggestion | None:
    """Suggest a prompt from a brief

     From a short `brief` (at most 500 characters), a prompt ordered subject, action, setting, lighting,
    style, camera and composition; a negative prompt; and an aspect ratio for the `use` (read from the
    brief when not given). With `model`, the aspect ratio is one the model takes and both prompts fit
    its limits. The brief and the suggestion are moderated as a job's prompt is (422 `prompt_blocked`).
    Made by Atelier's rules (`source: rules`), or by a text model when the operator configured one
    (`source: model`, with its `cost_usd` and `tokens`, also listed under `prompt_assistant` in `GET
    /usage`). Makes no job and no image. Needs a key with the `write` scope.

    Args:
        idempotency_key (str | Unset):
        body (PromptSuggestRequest): A serializer mixin: a body field the serializer does not know
            is a 400 naming it,
            not silently ignored (a typo such as `negative_promt` must not pass unnoticed).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PromptSuggestion
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: PromptSuggestRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[Error | PromptSuggestion]:
    """Suggest a prompt from a brief

     From a short `brief` (at most 500 characters), a prompt ordered subject, action, setting, lighting,
    style, camera and composition; a negative prompt; and an aspect ratio for the `use` (read from the
    brief when not given). With `model`, the aspect ratio is one the model takes and both prompts fit
    its limits. The brief and the suggestion are moderated as a job's prompt is (422 `prompt_blocked`).
    Made by Atelier's rules (`source: rules`), or by a text model when the operator configured one
    (`source: model`, with its `cost_usd` and `tokens`, also listed under `prompt_assistant` in `GET
    /usage`). Makes no job and no image. Needs a key with the `write` scope.

    Args:
        idempotency_key (str | Unset):
        body (PromptSuggestRequest): A serializer mixin: a body field the serializer does not know
            is a 400 naming it,
            not silently ignored (a typo such as `negative_promt` must not pass unnoticed).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PromptSuggestion]
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
    body: PromptSuggestRequest,
    idempotency_key: str | Unset = UNSET,
) -> Error | PromptSuggestion | None:
    """Suggest a prompt from a brief

     From a short `brief` (at most 500 characters), a prompt ordered subject, action, setting, lighting,
    style, camera and composition; a negative prompt; and an aspect ratio for the `use` (read from the
    brief when not given). With `model`, the aspect ratio is one the model takes and both prompts fit
    its limits. The brief and the suggestion are moderated as a job's prompt is (422 `prompt_blocked`).
    Made by Atelier's rules (`source: rules`), or by a text model when the operator configured one
    (`source: model`, with its `cost_usd` and `tokens`, also listed under `prompt_assistant` in `GET
    /usage`). Makes no job and no image. Needs a key with the `write` scope.

    Args:
        idempotency_key (str | Unset):
        body (PromptSuggestRequest): A serializer mixin: a body field the serializer does not know
            is a 400 naming it,
            not silently ignored (a typo such as `negative_promt` must not pass unnoticed).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PromptSuggestion
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
