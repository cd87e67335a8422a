from enum import StrEnum


class BatchStatusEnum(StrEnum):
    CANCELED = "canceled"
    COMPLETED = "completed"
    QUEUED = "queued"
    RUNNING = "running"

    def __str__(self) -> str:
        return str(self.value)
