from enum import StrEnum


class FixEnum(StrEnum):
    CONVERT = "convert"
    FLATTEN = "flatten"
    RESIZE = "resize"
    RE_PAD = "re-pad"

    def __str__(self) -> str:
        return str(self.value)
