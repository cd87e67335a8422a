from django.apps import AppConfig


class ProvenanceConfig(AppConfig):
    """The invisible watermark and C2PA Content Credentials on every image Atelier makes."""

    name = "provenance"

    def ready(self) -> None:
        # Renditions are made by assets (below this package): each is signed on its way to
        # storage with the original as its parent ingredient.
        from assets import renditions
        from provenance.marks import sign_rendition

        renditions.register_finisher(sign_rendition)
