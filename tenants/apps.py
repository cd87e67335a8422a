from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"

    def ready(self) -> None:
        import tenants.schema  # noqa: F401  (registers the OpenAPI security scheme)
