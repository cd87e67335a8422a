from django.urls import path

from assets import views

urlpatterns = [
    path("files/<path:key>", views.download, name="asset-download"),
]
