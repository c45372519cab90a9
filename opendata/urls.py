from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "opendata"

# The file names are the same in every language; the specific ones come before the
# pattern of the dataset downloads, which would match them too.
urlpatterns = [
    path(
        _("open-data/"),
        include(
            [
                path("", views.index, name="index"),
                path("datapackage.json", views.datapackage, name="datapackage"),
                path(views.ARCHIVE_NAME, views.archive, name="archive"),
                path("katalog.<slug:format>", views.catalogue, name="catalogue"),
                path("<slug:dataset>.<slug:format>", views.download, name="download"),
            ]
        ),
    ),
]
