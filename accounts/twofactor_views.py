"""The second-factor screens, in the admin's look: the code after the password, setting up
an authenticator, and recovery codes (``twofactor.py`` has the rules)."""

from __future__ import annotations

import logging
from base64 import b32encode
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, resolve_url
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from . import twofactor
from .security import log_event


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "size": 12}
        ),
    )


def _next_url(request) -> str:
    """Where to go once the code is given: ``next`` when it is a page of this site."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)  # the start page


def _render(request, template, title, **context):
    # No admin sidebar: before the code is given, not even the list of what there is.
    return TemplateResponse(
        request,
        template,
        {
            **admin.site.each_context(request),
            "is_nav_sidebar_enabled": False,
            "title": title,
            **context,
        },
    )


def _to_login(request):
    return redirect_to_login(request.get_full_path(), reverse("admin:login"))


def _wrong_code(request, form, wait: int):
    """Count a wrong code; the session ends after ``OTP_FAILURES_PER_LOGIN`` of them.
    Returns the redirect to the login page then, else None (the error is on the form)."""
    failures = request.session.get(twofactor.FAILURES_SESSION_KEY, 0) + 1
    request.session[twofactor.FAILURES_SESSION_KEY] = failures
    log_event("otp_failed", request, level=logging.WARNING, failures=failures)
    if failures >= settings.OTP_FAILURES_PER_LOGIN:
        log_event("otp_failures_logout", request, level=logging.WARNING)
        logout(request)
        messages.error(
            request,
            _("Too many wrong codes. Log in again with your password and then the code."),
        )
        return redirect("admin:login")
    if wait:
        form.add_error(
            "code",
            ngettext(
                "Too many wrong codes: wait %(seconds)d second and try again.",
                "Too many wrong codes: wait %(seconds)d seconds and try again.",
                wait,
            )
            % {"seconds": wait},
        )
    else:
        form.add_error("code", _("This code is not right. Type the code the app shows now."))
    return None


@never_cache
@sensitive_post_parameters("code")
def otp_verify(request):
    """The code after the password: from the authenticator app, or a recovery code."""
    user = request.user
    if not user.is_authenticated:
        return _to_login(request)
    next_url = _next_url(request)
    if user.is_verified():
        return redirect(next_url)
    if not twofactor.has_authenticator(user):
        return redirect(f"{reverse('accounts:otp_setup')}?{urlencode({'next': next_url})}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device, wait = twofactor.code_check(user=user, code=form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            request.session.pop(twofactor.FAILURES_SESSION_KEY, None)
            if isinstance(device, StaticDevice):
                left = twofactor.recovery_codes_left(user=user)
                log_event("otp_recovery_code_used", request, left=left)
                messages.warning(
                    request,
                    ngettext(
                        "You logged in with a recovery code; %(count)d code is left. If "
                        "you lost your phone, set up the authenticator again.",
                        "You logged in with a recovery code; %(count)d codes are left. If "
                        "you lost your phone, set up the authenticator again.",
                        left,
                    )
                    % {"count": left},
                )
            else:
                log_event("otp_verified", request)
            return redirect(next_url)
        refused = _wrong_code(request, form, wait)
        if refused is not None:
            return refused
    return _render(
        request,
        "accounts/otp_verify.html",
        _("Two-factor authentication"),
        form=form,
        next=next_url,
    )


def _manual_key(device) -> str:
    """The secret as typed into an app by hand: base32, in groups of four."""
    key = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@never_cache
@sensitive_post_parameters("code")
def otp_setup(request):
    """Set up an authenticator app: a QR code (and the key to type by hand), then one code
    from the app to confirm; the recovery codes are shown once, right after."""
    user = request.user
    if not user.is_authenticated:
        return _to_login(request)
    next_url = _next_url(request)
    if twofactor.has_authenticator(user) and not user.is_verified():
        # Replacing an authenticator takes the old one (or a recovery code) first.
        return redirect(f"{reverse('accounts:otp_verify')}?{urlencode({'next': next_url})}")
    device = twofactor.pending_authenticator(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = twofactor.code_normalised(form.cleaned_data["code"])
        if code.isdigit() and device.verify_token(code):
            codes = twofactor.authenticator_confirm(user=user, device=device)
            otp_login(request, device)
            request.session[twofactor.ENROLLED_SESSION_KEY] = True
            request.session.pop(twofactor.FAILURES_SESSION_KEY, None)
            log_event("otp_enrolled", request)
            return _recovery_codes_page(request, codes, next_url)
        refused = _wrong_code(request, form, 0)
        if refused is not None:
            return refused
    return _render(
        request,
        "accounts/otp_setup.html",
        _("Set up two-factor authentication"),
        form=form,
        next=next_url,
        qr_code=segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
        manual_key=_manual_key(device),
        required=twofactor.second_factor_required(user),
        replacing=user.is_verified(),
    )


def _grouped(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def _recovery_codes_page(request, codes, next_url):
    return _render(
        request,
        "accounts/otp_recovery_codes.html",
        _("Recovery codes"),
        codes=[_grouped(code) for code in codes],
        next=next_url,
    )


@never_cache
def otp_recovery_codes(request):
    """How many recovery codes are left; a new set on request (shown once)."""
    user = request.user
    if not user.is_authenticated:
        return _to_login(request)
    if not user.is_verified():
        return redirect(twofactor.second_factor_url(request, user, next_url=request.path))
    if request.method == "POST":
        codes = twofactor.recovery_codes_replace(user=user)
        log_event("otp_recovery_codes_replaced", request)
        return _recovery_codes_page(request, codes, reverse("admin:index"))
    return _render(
        request,
        "accounts/otp_recovery_codes.html",
        _("Recovery codes"),
        left=twofactor.recovery_codes_left(user=user),
    )
