from enum import StrEnum


class DownloadJobArchiveStage(StrEnum):
    ALL = "all"
    DRAFT = "draft"
    FINAL = "final"

    def __str__(self) -> str:
        return str(self.value)
