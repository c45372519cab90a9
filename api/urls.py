"""``/api/v1/``: outside the language prefixes (the language of an answer's texts comes
from ``Accept-Language``); every other address under it is a 404 in JSON."""

from django.urls import path, re_path

from . import views

app_name = "api"

LIST = {"get": "list"}
DETAIL = {"get": "retrieve"}


def resource(prefix: str, name: str, viewset, detail: str = "<slug:slug>/"):
    return [
        path(f"{prefix}/", viewset.as_view(LIST), name=f"{name}-list"),
        path(f"{prefix}/{detail}", viewset.as_view(DETAIL), name=f"{name}-detail"),
    ]


urlpatterns = [
    path("", views.RootView.as_view(), name="root"),
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", views.docs, name="docs"),
    *resource("projects", "project", views.ProjectViewSet),
    *resource("cycles", "cycle", views.CycleViewSet),
    path("sessions/", views.SessionViewSet.as_view(LIST), name="session-list"),
    path(
        "cycles/<slug:cycle>/sessions/<int:number>/",
        views.SessionViewSet.as_view(DETAIL),
        name="session-detail",
    ),
    *resource("events", "event", views.EventViewSet),
    *resource("agreements", "agreement", views.AgreementViewSet),
    path("counties/", views.CountyViewSet.as_view(LIST), name="county-list"),
    re_path(
        r"^counties/(?P<teryt>[0-9]{4})/$",
        views.CountyViewSet.as_view(DETAIL),
        name="county-detail",
    ),
    *resource("editions", "edition", views.EditionViewSet),
    *resource("themes", "theme", views.ThemeViewSet),
    *resource("sources", "source", views.SourceViewSet),
    # Any character, a newline too (a hostile address must not reach the HTML 404).
    re_path(r"^[\s\S]*$", views.NotFoundView.as_view(), name="not-found"),
]
