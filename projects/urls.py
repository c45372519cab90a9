from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "projects"

urlpatterns = [
    path(_("projects/"), views.project_list, name="list"),
    path(_("projects/<slug:slug>/"), views.project_detail, name="detail"),
]
