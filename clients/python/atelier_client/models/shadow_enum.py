from enum import StrEnum


class ShadowEnum(StrEnum):
    NATURAL = "natural"
    NONE = "none"
    SOFT = "soft"

    def __str__(self) -> str:
        return str(self.value)
