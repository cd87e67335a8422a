from enum import StrEnum


class KindEnum(StrEnum):
    GENERATED = "generated"
    UPLOAD = "upload"

    def __str__(self) -> str:
        return str(self.value)
