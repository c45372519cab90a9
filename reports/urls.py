from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "reports"

urlpatterns = [
    path(_("reports/"), views.overview, name="overview"),
    path(_("reports/export/<slug:table>.<slug:fmt>"), views.export, name="export"),
]
