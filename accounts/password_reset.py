"""Password reset for staff, from the admin's login page (“Forgotten your password?”).

Django's views and forms, with three changes:

* only active staff accounts with a password get an e-mail, and the page says the same
  whether the address belongs to one or not;
* the e-mail is sent by a background task (``password_reset_send``), which builds the
  link itself: no reset token ever waits in the task table;
* limits: ``PASSWORD_RESET_RATE`` requests per client address (then 429), and
  ``PASSWORD_RESET_EMAILS_PER_ACCOUNT`` e-mails per address asked for (further requests
  are answered as usual and send nothing), so nobody can flood a colleague's mailbox.

The link works once, for ``PASSWORD_RESET_TIMEOUT`` seconds. Setting a new password does
not log the user in: they log in, and give their second factor, as always.
"""

from __future__ import annotations

import hashlib
import logging
import math

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_ratelimit.core import get_usage
from django_tasks import task

from partnership import ratelimits
from partnership.mail import portal_url

from .security import log_event

RESET_REQUESTS = "password-reset"
RESET_EMAILS = "password-reset-account"


def _account_key(email: str):
    digest = hashlib.sha256(email.strip().casefold().encode("utf-8")).hexdigest()

    def key(group, request):
        return digest

    return key


class StaffPasswordResetForm(PasswordResetForm):
    def get_users(self, email):
        return (user for user in super().get_users(email) if user.is_staff)

    def save(self, *, request=None, **kwargs):
        """Queue the e-mail for each staff account with this address (usually one)."""
        email = self.cleaned_data["email"]
        usage = get_usage(
            request,
            group=RESET_EMAILS,
            key=_account_key(email),
            rate=settings.PASSWORD_RESET_EMAILS_PER_ACCOUNT,
            increment=True,
        )
        if usage is not None and usage["should_limit"]:
            log_event("password_reset_account_limited", request, user_id="-")
            return
        for user in self.get_users(email):
            password_reset_send.enqueue(user_id=user.pk)
            log_event("password_reset_requested", request, user_id=user.pk)


class StaffPasswordResetView(auth_views.PasswordResetView):
    form_class = StaffPasswordResetForm

    def post(self, request, *args, **kwargs):
        usage = ratelimits.count(request, group=RESET_REQUESTS, rate=settings.PASSWORD_RESET_RATE)
        if usage is not None and usage["should_limit"]:
            log_event("password_reset_address_limited", request, level=logging.WARNING)
            seconds = ratelimits.retry_after(usage)
            return ratelimits.too_many_requests(
                request,
                "accounts/password_reset_limited.html",
                {"minutes": math.ceil(seconds / 60)},
                seconds=seconds,
            )
        return super().post(request, *args, **kwargs)


@task()
def password_reset_send(user_id: int) -> str:
    """E-mail a staff member a link to set a new password (in Polish)."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True, is_staff=True).first()
    if user is None or not user.email or not user.has_usable_password():
        return "skipped"
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    with translation.override("pl"):
        link = portal_url(reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token}))
        context = {
            "user": user,
            "link": link,
            "hours": max(settings.PASSWORD_RESET_TIMEOUT // 3600, 1),
            "portal": portal_url("/"),
        }
        subject = render_to_string("accounts/password_reset_subject.txt", context)
        body = render_to_string("accounts/password_reset_email.txt", context)
    EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    ).send()
    return "sent"


def urls():
    """The reset pages, under ``admin/`` (``partnership/urls.py``); the names are Django's,
    which its views and the admin's login page look up."""
    from django.urls import path

    return [
        path(
            "admin/password_reset/",
            StaffPasswordResetView.as_view(),
            name="admin_password_reset",
        ),
        path(
            "admin/password_reset/done/",
            auth_views.PasswordResetDoneView.as_view(),
            name="password_reset_done",
        ),
        path(
            "admin/reset/<uidb64>/<token>/",
            auth_views.PasswordResetConfirmView.as_view(),
            name="password_reset_confirm",
        ),
        path(
            "admin/reset/done/",
            auth_views.PasswordResetCompleteView.as_view(),
            name="password_reset_complete",
        ),
    ]
