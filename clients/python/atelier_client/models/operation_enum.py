from enum import StrEnum


class OperationEnum(StrEnum):
    COLOR_GUIDED = "color_guided"
    CONFORM = "conform"
    ERASE = "erase"
    IMAGE_TO_IMAGE = "image_to_image"
    INPAINT = "inpaint"
    OUTPAINT = "outpaint"
    PACKSHOT = "packshot"
    REMOVE_BACKGROUND = "remove_background"
    REPLACE_BACKGROUND = "replace_background"
    SCENE = "scene"
    SEARCH_RECOLOR = "search_recolor"
    SEARCH_REPLACE = "search_replace"
    SHADOW = "shadow"
    SKETCH_TO_IMAGE = "sketch_to_image"
    STRUCTURE_TO_IMAGE = "structure_to_image"
    STYLE_GUIDE = "style_guide"
    STYLE_TRANSFER = "style_transfer"
    TEXT_TO_IMAGE = "text_to_image"
    UPSCALE = "upscale"
    VARIATION = "variation"
    VIRTUAL_TRY_ON = "virtual_try_on"

    def __str__(self) -> str:
        return str(self.value)
