"""Dramatiq actors: parse the message, call one service."""

from __future__ import annotations

from typing import Any

import dramatiq

from generation import runner

# A job may make many images, each up to Bedrock's 300 s read timeout: allow an hour per run.
JOB_TIME_LIMIT_MS = 60 * 60 * 1000


@dramatiq.actor(queue_name="jobs", max_retries=8, min_backoff=2_000, max_backoff=120_000,
                time_limit=JOB_TIME_LIMIT_MS, on_retry_exhausted="job_retries_exhausted")
def run_job_actor(job_id: str) -> None:
    runner.run_job(job_id)


@dramatiq.actor(queue_name="jobs", actor_name="job_retries_exhausted", max_retries=3)
def job_retries_exhausted(message_data: dict[str, Any], retry_info: dict[str, Any]) -> None:
    job_id = message_data["args"][0]
    reason = f"gave up after {retry_info.get('retries', '?')} attempts"
    runner.fail_exhausted_job(job_id, reason)
