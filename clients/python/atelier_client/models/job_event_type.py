from enum import StrEnum


class JobEventType(StrEnum):
    JOB_BLOCKED = "job.blocked"
    JOB_FAILED = "job.failed"
    JOB_FALLBACK = "job.fallback"
    JOB_SUCCEEDED = "job.succeeded"

    def __str__(self) -> str:
        return str(self.value)
