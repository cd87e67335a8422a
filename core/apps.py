from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Cross-cutting plumbing every app may use: configuration checks, health, scheduling."""

    name = "core"

    def ready(self) -> None:
        import core.checks  # noqa: F401  (registers the production configuration checks)
