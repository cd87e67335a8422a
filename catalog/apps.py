from django.apps import AppConfig


class CatalogConfig(AppConfig):
    """The model catalog: request shapes, limits, prices and lifecycle of every image model."""

    name = "catalog"

    def ready(self) -> None:
        # Validate the catalog at start-up: a broken entry stops the process here, with a
        # message naming the entry and field, rather than failing the first job.
        from catalog.spec import catalog

        catalog()
