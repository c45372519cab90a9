from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from partnership import views as partnership_views
from programmes import views as programmes_views

urlpatterns = [
    path("ping", partnership_views.ping, name="ping"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("sitemap.xml", programmes_views.sitemap, name="sitemap"),
    path("sitemap-<slug:section>.xml", programmes_views.sitemap_section, name="sitemap_section"),
    path("robots.txt", programmes_views.robots_txt, name="robots_txt"),
]

urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("", include("programmes.urls")),
    path("", include("workshops.urls")),
    path("", include("projects.urls")),
    path("", include("opendata.urls")),
    path("", include("reports.urls")),
    prefix_default_language=False,
)

handler400 = "partnership.errors.bad_request"
handler403 = "partnership.errors.permission_denied"
handler404 = "partnership.errors.page_not_found"
handler500 = "partnership.errors.server_error"
