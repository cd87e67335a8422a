from enum import StrEnum


class ListAssetsKind(StrEnum):
    GENERATED = "generated"
    UPLOAD = "upload"

    def __str__(self) -> str:
        return str(self.value)
