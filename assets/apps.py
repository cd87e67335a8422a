from django.apps import AppConfig


class AssetsConfig(AppConfig):
    name = "assets"

    def ready(self) -> None:
        import assets.receivers  # noqa: F401  (subscribes to domain events)
