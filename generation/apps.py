from django.apps import AppConfig


class GenerationConfig(AppConfig):
    name = "generation"

    def ready(self) -> None:
        # Validate the catalog at start-up: a broken entry stops the process here, with a
        # message naming the entry and field, rather than failing the first job.
        import generation.checks  # noqa: F401  (registers the system checks)
        from generation.catalog import catalog

        catalog()
