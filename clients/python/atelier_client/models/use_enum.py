from enum import StrEnum


class UseEnum(StrEnum):
    BANNER = "banner"
    INSTAGRAM_FEED = "instagram-feed"
    INSTAGRAM_STORY = "instagram-story"
    MARKETPLACE = "marketplace"
    PINTEREST = "pinterest"
    PRINT = "print"
    YOUTUBE = "youtube"

    def __str__(self) -> str:
        return str(self.value)
