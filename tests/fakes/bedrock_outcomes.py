"""The outcomes a test can script on the Bedrock double, and the error answers: for each error
kind, the HTTP status, the `x-amzn-ErrorType` name and the message Bedrock Runtime sends (what
Atelier makes of each: docs/bedrock.md, "3. Outcomes, retries and timeouts").

The first five messages (throttled, daily token quota, end of life, legacy, no access) are
captured from real responses; the 5xx, timeout, not-ready and model-error messages are plausible
wording, not captures.
"""

from __future__ import annotations

from dataclasses import dataclass

THROTTLED = "Too many requests, please wait before trying again."
EOL = ("This model version has reached the end of its life. Please refer to the AWS "
       "documentation for more details.")
LEGACY = ("Access denied. This Model is marked by provider as Legacy and you have not been "
          "actively using the model in the last 15 days. Please upgrade to an active model on "
          "Amazon Bedrock")
NO_ACCESS = "You don't have access to the model with the specified model ID."
QUOTA = "Too many tokens per day, please wait before trying again."
# kind -> (HTTP status, x-amzn-ErrorType name, message)
ERRORS: dict[str, tuple[int, str, str]] = {
    "throttle": (429, "ThrottlingException", THROTTLED),
    "quota_exceeded": (400, "ServiceQuotaExceededException", QUOTA),
    "eol": (404, "ResourceNotFoundException", EOL),
    "legacy": (404, "ResourceNotFoundException", LEGACY),
    "access_denied": (403, "AccessDeniedException", NO_ACCESS),
    "server_error_500": (500, "InternalServerException", "The system encountered an unexpected "
                         "error during processing. Try your request again."),
    "server_error_503": (503, "ServiceUnavailableException",
                         "Bedrock is unable to process your request."),
    "model_timeout": (408, "ModelTimeoutException", "Model has timed out in processing the "
                      "request. Try your request again."),
    "model_not_ready": (429, "ModelNotReadyException", "Model is not ready to serve inference "
                        "requests. Try your request again."),
    "model_error": (424, "ModelErrorException", "The model returned an error (500) while "
                    "processing the request. Try your request again."),
}


@dataclass(frozen=True)
class Outcome:
    """What the next request to a model gets: an error kind of ERRORS, or a modifier
    ("ok", "delay", "block_input", "filter_outputs", "text_only") of the normal answer."""

    kind: str
    status: int = 0
    seconds: float = 0.0
    count: int | None = None
    text: str = ""


OK = Outcome("ok")


def throttle() -> Outcome:
    return Outcome("throttle")


def server_error(status: int = 500) -> Outcome:
    if status not in (500, 503):
        raise ValueError("server_error() takes 500 or 503")
    return Outcome(f"server_error_{status}", status=status)


def model_timeout() -> Outcome:
    return Outcome("model_timeout")


def model_not_ready() -> Outcome:
    return Outcome("model_not_ready")


def model_error() -> Outcome:
    return Outcome("model_error")


def access_denied() -> Outcome:
    return Outcome("access_denied")


def quota_exceeded() -> Outcome:
    return Outcome("quota_exceeded")


def eol() -> Outcome:
    return Outcome("eol")


def block_input_text() -> Outcome:
    return Outcome("block_input", text="text")


def block_input_image() -> Outcome:
    return Outcome("block_input", text="image")


def filter_outputs(count: int | None = None) -> Outcome:
    return Outcome("filter_outputs", count=count)


def text_only(text: str = "Could you clarify what you would like the image to show?") -> Outcome:
    return Outcome("text_only", text=text)


def delay(seconds: float) -> Outcome:
    return Outcome("delay", seconds=seconds)
