from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path(_("counties/"), views.county_list, name="county_list"),
    path(_("counties/<slug:slug>/"), views.county_detail, name="county_detail"),
    path(_("programme-editions/"), views.programme_list, name="programme_list"),
    path(_("programme-editions/<slug:slug>/"), views.programme_detail, name="programme_detail"),
    path(_("events/<slug:slug>/"), views.event_detail, name="event_detail"),
    path(_("sources/"), views.source_list, name="source_list"),
    path(_("sources/<slug:slug>/"), views.source_detail, name="source_detail"),
    path(_("accessibility/"), views.accessibility, name="accessibility"),
    path(_("privacy/"), views.privacy, name="privacy"),
    path(_("contact/"), views.contact, name="contact"),
]
