from enum import StrEnum


class AssetEventType(StrEnum):
    ASSET_APPROVED = "asset.approved"
    ASSET_REJECTED = "asset.rejected"

    def __str__(self) -> str:
        return str(self.value)
