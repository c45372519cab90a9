"""Two-factor authentication for staff: who needs a second factor, and the gate.

After the password (the admin's login form, throttled by django-axes), a user who needs a
second factor gives a code from an authenticator app (a TOTP device of django-otp) or a
recovery code (a static device, each code usable once). Until then the session is
*password-only*:

* the admin and the reports (``/admin/…``, ``/raporty/…``, in every language) answer with
  a redirect to the code screen, or to the enrolment screen while the user has no
  authenticator yet — nothing with personal data is reached;
* every other page sees an anonymous visitor (``request.user`` is ``AnonymousUser``), so
  a staff page added anywhere later is closed too;
* only the code and enrolment screens and logging out see the user.

Who needs it (``second_factor_required``): superusers, administrators and voivodeship
coordinators always; county staff when ``STAFF_2FA_REQUIRED`` is on; and anyone who
enrolled an authenticator of their own accord (noted in the session at login, so that
county staff pay no query on each request for it).
"""

from __future__ import annotations

import math
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .scoping import is_administrator, is_coordinator

#: Set at login when the user has a confirmed device: they give a code whatever their role.
ENROLLED_SESSION_KEY = "otp-enrolled"
#: Wrong codes given in this session (``OTP_FAILURES_PER_LOGIN`` ends it).
FAILURES_SESSION_KEY = "otp-failures"
#: The views a password-only session may reach, as the user.
OPEN_VIEWS = {"accounts:otp_verify", "accounts:otp_setup", "admin:logout"}
#: URL namespaces of the staff areas: a password-only session is sent to the code screen.
STAFF_NAMESPACES = {"admin", "desk", "reports"}


def second_factor_required(user) -> bool:
    """Must this user give a second factor, by their role and the settings?"""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if is_administrator(user) or is_coordinator(user):
        return True
    return bool(settings.STAFF_2FA_REQUIRED and user.is_staff)


def confirmed_devices(user) -> list[Device]:
    """The user's authenticators and recovery codes that are in use."""
    return [
        *TOTPDevice.objects.devices_for_user(user, confirmed=True),
        *StaticDevice.objects.devices_for_user(user, confirmed=True),
    ]


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def note_enrolment(request, user) -> None:
    """At login: remember whether the user has a confirmed device (one query a login)."""
    request.session[ENROLLED_SESSION_KEY] = has_authenticator(user)
    request.session.pop(FAILURES_SESSION_KEY, None)


def needs_second_factor(request, user) -> bool:
    """Is this session password-only for a user who must give a second factor?"""
    if not (user.is_authenticated and user.is_active):
        return False
    if getattr(user, "is_verified", lambda: False)():
        return False
    return second_factor_required(user) or bool(request.session.get(ENROLLED_SESSION_KEY))


def second_factor_url(request, user, *, next_url: str = "") -> str:
    """The code screen, or the enrolment screen when the user has no authenticator."""
    name = "accounts:otp_verify" if has_authenticator(user) else "accounts:otp_setup"
    url = reverse(name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


class SecondFactorMiddleware:
    """Keep password-only sessions out of everything but the second-factor screens.

    Installed right after django-otp's ``OTPMiddleware``, which sets ``is_verified()``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not needs_second_factor(request, user):
            return None
        match = request.resolver_match
        if match.view_name in OPEN_VIEWS:
            return None
        if STAFF_NAMESPACES & set(match.namespaces):
            next_url = request.get_full_path() if request.method == "GET" else ""
            if match.view_name == "admin:login":
                next_url = request.GET.get("next", "")
            return redirect(second_factor_url(request, user, next_url=next_url))
        request.user = AnonymousUser()
        return None


# -- Services ----------------------------------------------------------------------------

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Aplikacja uwierzytelniająca"
RECOVERY_DEVICE_NAME = "Kody odzyskiwania"


def pending_authenticator(*, user) -> TOTPDevice:
    """The authenticator being set up (not confirmed yet): the same secret until it is
    confirmed, so that reloading the enrolment screen does not change the QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


@transaction.atomic
def authenticator_confirm(*, user, device: TOTPDevice) -> list[str]:
    """Put a set-up authenticator in use, in place of any earlier one; returns a new set
    of recovery codes (the earlier ones stop working)."""
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return recovery_codes_replace(user=user)


@transaction.atomic
def recovery_codes_replace(*, user) -> list[str]:
    """New recovery codes for the user, each usable once; the earlier ones stop working.
    Returned to be shown once (they are not shown again)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(*, user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def second_factor_reset(*, user) -> None:
    """Remove the user's authenticators and recovery codes (a lost phone): at the next
    login they set up a new authenticator."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def code_normalised(code: str) -> str:
    """A code as typed, without spaces and dashes, in lower case ("ABCD-EFGH" → "abcdefgh")."""
    return "".join(code.split()).replace("-", "").lower()


def code_check(*, user, code: str) -> tuple[Device | None, int]:
    """The device that accepts ``code`` (six digits: the authenticator; otherwise a
    recovery code, used up by this), or None, and then the seconds the user must wait
    before the next try (0 when the code was just wrong). Each wrong code makes the
    device wait longer before the next (django-otp's throttling: 1, 2, 4, 8 … seconds)."""
    code = code_normalised(code)
    if len(code) == 6 and code.isdigit():
        devices = TOTPDevice.objects.devices_for_user(user, confirmed=True)
    else:
        devices = StaticDevice.objects.devices_for_user(user, confirmed=True)
    wait = 0
    with transaction.atomic():
        for device in devices.select_for_update():
            allowed, data = device.verify_is_allowed()
            if not allowed:
                locked_until = (data or {}).get("locked_until")
                if locked_until is not None:
                    wait = max(wait, math.ceil((locked_until - timezone.now()).total_seconds()))
                continue
            if device.verify_token(code):
                return device, 0
    return None, max(wait, 0)
