from enum import StrEnum


class PromptSuggestionSourceEnum(StrEnum):
    MODEL = "model"
    RULES = "rules"

    def __str__(self) -> str:
        return str(self.value)
