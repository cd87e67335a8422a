from django.apps import AppConfig


class GenerationConfig(AppConfig):
    """Orchestration: jobs, batches and brand templates (the models of all three live here)."""

    name = "generation"

    def ready(self) -> None:
        import generation.receivers  # noqa: F401  (subscribes to domain events)
