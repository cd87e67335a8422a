from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The partner REST API, its schema, the Stripe endpoint and outgoing webhooks."""

    name = "api"

    def ready(self) -> None:
        import api.receivers
        import api.security  # noqa: F401  (registers the OpenAPI security scheme)
