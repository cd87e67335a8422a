from django.apps import AppConfig


class ProvidersConfig(AppConfig):
    """Adapters that turn catalog requests into provider calls (local, Bedrock)."""

    name = "providers"

    def ready(self) -> None:
        import providers.checks  # noqa: F401  (registers the system checks)
