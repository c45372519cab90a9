from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "projects"

urlpatterns = [
    path(
        _("projects/"),
        include(
            [
                path("", views.project_list, name="list"),
                path("<slug:slug>/", views.project_detail, name="detail"),
            ]
        ),
    ),
]
