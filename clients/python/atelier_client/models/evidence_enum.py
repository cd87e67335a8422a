from enum import StrEnum


class EvidenceEnum(StrEnum):
    CONTENT_CREDENTIALS = "content_credentials"
    EXACT_COPY = "exact_copy"
    WATERMARK = "watermark"

    def __str__(self) -> str:
        return str(self.value)
