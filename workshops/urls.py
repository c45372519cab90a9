from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "workshops"

urlpatterns = [
    path(_("workshop-cycles/"), views.cycle_list, name="cycle_list"),
    path(_("workshop-cycles/<slug:slug>/"), views.cycle_detail, name="cycle_detail"),
    path(_("certificates/"), views.certificate_lookup, name="certificate_lookup"),
    path(_("certificates/<str:code>/"), views.certificate_verify, name="certificate_verify"),
]
