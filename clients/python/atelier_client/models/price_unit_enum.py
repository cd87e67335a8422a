from enum import StrEnum


class PriceUnitEnum(StrEnum):
    IMAGE = "image"
    TOKEN = "token"

    def __str__(self) -> str:
        return str(self.value)
