from django.apps import AppConfig


class GenerationConfig(AppConfig):
    """Orchestration: jobs, batches and brand templates (the models of all three live here)."""

    name = "generation"
