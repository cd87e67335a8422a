from enum import StrEnum


class BatchEventType(StrEnum):
    BATCH_COMPLETED = "batch.completed"

    def __str__(self) -> str:
        return str(self.value)
