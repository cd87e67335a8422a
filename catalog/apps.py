from typing import Any

from django.apps import AppConfig
from django.core.signals import setting_changed


class CatalogConfig(AppConfig):
    """The model catalog: request shapes, limits, prices and lifecycle of every image model."""

    name = "catalog"

    def ready(self) -> None:
        # Validate the catalog at start-up: a broken entry stops the process here, with a
        # message naming the entry and field, rather than failing the first job.
        from catalog.spec import catalog

        catalog()
        setting_changed.connect(_reload_on_settings_change)


def _reload_on_settings_change(setting: str, **kwargs: Any) -> None:
    """Tests that point ATELIER_CATALOG_FILE elsewhere get that catalog."""
    if setting == "ATELIER_CATALOG_FILE":
        from catalog.spec import catalog

        catalog.cache_clear()
