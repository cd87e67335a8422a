from enum import StrEnum


class ListJobsStatus(StrEnum):
    BLOCKED = "blocked"
    CANCELED = "canceled"
    FAILED = "failed"
    PARTIALLY_SUCCEEDED = "partially_succeeded"
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    WAITING = "waiting"

    def __str__(self) -> str:
        return str(self.value)
