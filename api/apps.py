from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The partner REST API, its schema, the Stripe endpoint and outgoing webhooks."""

    name = "api"

    def ready(self) -> None:
        import api.receivers  # noqa: F401  (subscribes to domain events)
