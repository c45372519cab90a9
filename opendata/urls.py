from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "opendata"

urlpatterns = [
    path(_("open-data/"), views.index, name="index"),
    path(_("open-data/<slug:dataset>.<slug:format>"), views.download, name="download"),
]
