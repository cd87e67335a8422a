import logging

from django.apps import AppConfig

log = logging.getLogger("atelier.moderation")


class ModerationConfig(AppConfig):
    name = "moderation"

    def ready(self) -> None:
        from moderation.modes import local_only

        if local_only():  # a reduced mode chosen on purpose is said at every start
            log.warning("moderation.local_only", extra={
                "detail": "ATELIER_OUTPUT_MODERATION=local-only: no moderation service checks "
                          "generated images; they wait for a moderator"})
