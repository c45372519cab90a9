"""The second-factor screens, under ``admin/2fa/`` (``partnership/urls.py``)."""

from django.urls import path

from . import twofactor_views

app_name = "accounts"

urlpatterns = [
    path("", twofactor_views.otp_verify, name="otp_verify"),
    path("setup/", twofactor_views.otp_setup, name="otp_setup"),
    path("recovery-codes/", twofactor_views.otp_recovery_codes, name="otp_recovery_codes"),
]
