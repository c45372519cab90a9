"""What the pages a Polish public body's site must have say about the portal's operator.

The accessibility declaration (ustawa z 4 kwietnia 2019 r. o dostępności cyfrowej), the
privacy notice (RODO art. 13 and 14) and the contact page read the operator's details from
settings. Their defaults are placeholders, so that a local portal works out of the box;
``manage.py check --deploy`` names every placeholder still in place (``portal.W001``) and
every date that is not a date (``portal.E001``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core import checks

# Settings that are placeholders while they hold one of these (the defaults do).
PLACEHOLDER_MARKS = ("nieustawione", "example.invalid")
OPERATOR_SETTINGS = (
    "OPERATOR_NAME",
    "OPERATOR_EMAIL",
    "OPERATOR_URL",
    "OPERATOR_ADDRESS",
    "OPERATOR_PHONE",
    "OPERATOR_DPO_EMAIL",
    "ACCESSIBILITY_CONTACT_NAME",
)
DATE_SETTINGS = ("ACCESSIBILITY_PUBLISHED", "ACCESSIBILITY_UPDATED")


def setting_date(name: str) -> datetime.date | None:
    """A ``YYYY-MM-DD`` setting as a date; None when unset or not a date."""
    try:
        return datetime.date.fromisoformat(getattr(settings, name, "") or "")
    except ValueError:
        return None


def is_placeholder(value: str) -> bool:
    return not value or any(mark in value for mark in PLACEHOLDER_MARKS)


@dataclass(frozen=True)
class Operator:
    name: str
    email: str
    url: str
    address: str
    phone: str
    dpo_email: str
    accessibility_contact: str
    published: datetime.date | None
    updated: datetime.date | None
    buildings_url: str

    @classmethod
    def from_settings(cls) -> Operator:
        return cls(
            name=settings.OPERATOR_NAME,
            email=settings.OPERATOR_EMAIL,
            url=settings.OPERATOR_URL,
            address=settings.OPERATOR_ADDRESS,
            phone=settings.OPERATOR_PHONE,
            dpo_email=settings.OPERATOR_DPO_EMAIL,
            accessibility_contact=settings.ACCESSIBILITY_CONTACT_NAME,
            published=setting_date("ACCESSIBILITY_PUBLISHED"),
            updated=setting_date("ACCESSIBILITY_UPDATED"),
            buildings_url=settings.ACCESSIBILITY_BUILDINGS_URL or settings.OPERATOR_URL,
        )


def check_operator_details(app_configs=None, **kwargs):
    """``manage.py check --deploy``: the public pages must not name a placeholder operator."""
    unset = [name for name in OPERATOR_SETTINGS if is_placeholder(getattr(settings, name, ""))]
    unset += [name for name in DATE_SETTINGS if not getattr(settings, name, "")]
    messages = []
    if unset:
        messages.append(
            checks.Warning(
                "The accessibility declaration, the privacy notice and the contact page "
                f"show placeholders for: {', '.join(unset)}.",
                hint="Set these environment variables to the operator's real details "
                "(docs/deployment.md, 'The operator').",
                id="portal.W001",
            )
        )
    for name in DATE_SETTINGS:
        if getattr(settings, name, "") and setting_date(name) is None:
            messages.append(
                checks.Error(
                    f"{name} is {getattr(settings, name)!r}, not a date (YYYY-MM-DD).",
                    id="portal.E001",
                )
            )
    return messages
