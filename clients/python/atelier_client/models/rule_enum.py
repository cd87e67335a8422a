from enum import StrEnum


class RuleEnum(StrEnum):
    ALPHA = "alpha"
    ASPECT = "aspect"
    BACKGROUND = "background"
    COLOR_SPACE = "color_space"
    FILL = "fill"
    FORMAT = "format"
    LONGEST_SIDE = "longest_side"
    SHORTEST_SIDE = "shortest_side"
    TEXT = "text"

    def __str__(self) -> str:
        return str(self.value)
