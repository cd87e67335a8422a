from django.apps import AppConfig


class ProvenanceConfig(AppConfig):
    """The invisible watermark and C2PA Content Credentials on every image Atelier makes."""

    name = "provenance"
