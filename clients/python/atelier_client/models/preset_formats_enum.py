from enum import StrEnum


class PresetFormatsEnum(StrEnum):
    BMP = "bmp"
    GIF = "gif"
    JPEG = "jpeg"
    PNG = "png"
    TIFF = "tiff"
    WEBP = "webp"

    def __str__(self) -> str:
        return str(self.value)
