"""The staff start page, under ``admin/desk/`` (``partnership/urls.py``): a staff area,
so the admin's login and the second factor guard it (``accounts.twofactor``)."""

from django.contrib import admin
from django.urls import path

from . import desk_views

app_name = "desk"

urlpatterns = [path("", admin.site.admin_view(desk_views.home), name="home")]
