from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from accounts import password_reset
from portal import desk_views, health
from portal import views as portal_views

urlpatterns = [
    path("ping", health.ping, name="ping"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("sitemap.xml", portal_views.sitemap, name="sitemap"),
    path("sitemap-<slug:section>.xml", portal_views.sitemap_section, name="sitemap_section"),
    path("robots.txt", portal_views.robots_txt, name="robots_txt"),
    path("api/v1/", include("api.urls")),
]

desk_views.land_on_start_page(admin.site)

urlpatterns += i18n_patterns(
    path("admin/2fa/", include("accounts.urls")),
    path("admin/desk/", include("portal.desk_urls")),
    *password_reset.urls(),
    path("admin/", admin.site.urls),
    path("", include("portal.urls")),
    path("", include("workshops.urls")),
    path("", include("projects.urls")),
    path("", include("opendata.urls")),
    path("", include("reports.urls")),
    prefix_default_language=False,
)

handler400 = "portal.errors.bad_request"
handler403 = "portal.errors.permission_denied"
handler404 = "portal.errors.page_not_found"
handler500 = "portal.errors.server_error"
