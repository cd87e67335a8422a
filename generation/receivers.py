"""What the generation app does when something happens (core/events.py): a job that ended
starts, or cancels, the jobs of a batch row's chain waiting for its image."""

from __future__ import annotations

from core.events import JobFinished, subscribe
from generation import chains


@subscribe(JobFinished)
def start_the_jobs_after(event: JobFinished) -> None:
    """Only batch jobs have jobs after them."""
    if event.batch_id is not None:
        chains.job_ended(event.job_id)
