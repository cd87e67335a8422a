from enum import StrEnum


class ScenesEnum(StrEnum):
    KITCHEN = "kitchen"
    MARBLE_COUNTER = "marble_counter"
    OUTDOOR = "outdoor"
    STUDIO_GRADIENT = "studio_gradient"
    WOODEN_TABLE = "wooden_table"

    def __str__(self) -> str:
        return str(self.value)
