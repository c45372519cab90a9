from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "opendata"

urlpatterns = [
    path(
        _("open-data/"),
        include(
            [
                path("", views.index, name="index"),
                path("<slug:dataset>.<slug:format>", views.download, name="download"),
            ]
        ),
    ),
]
