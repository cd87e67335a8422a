from enum import StrEnum


class VerdictEnum(StrEnum):
    EDITED_SINCE = "edited_since"
    NOT_RECOGNIZED = "not_recognized"
    UNALTERED = "unaltered"

    def __str__(self) -> str:
        return str(self.value)
