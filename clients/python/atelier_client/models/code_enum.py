from enum import StrEnum


class CodeEnum(StrEnum):
    CREDENTIALS_BROKEN = "credentials_broken"
    CREDENTIALS_REMOVED = "credentials_removed"
    CREDENTIALS_REPLACED = "credentials_replaced"
    LATER_EDITS = "later_edits"

    def __str__(self) -> str:
        return str(self.value)
