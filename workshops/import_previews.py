"""The rows of a checked attendee list, kept on the server between preview and confirmation.

The import screen checks an uploaded list (``importing.attendee_file_parse``) and keeps the
rows it would import with ``import_preview_keep``, as an ``ImportPreviewUpload`` found by an
unguessable token. The confirmation form carries only that token; ``import_preview_confirm``
imports the rows (``importing.attendees_import``) for the same user and cycle and deletes
them in the same transaction, so a preview is imported once. The user's session holds
nothing of the list (a 10,000-row list is about 2 MB of JSON).

The rows are personal data, kept ``IMPORT_PREVIEW_RETENTION`` (2 hours) at most: an
expired preview is refused, every upload deletes the expired ones, and
``manage.py purge_import_previews`` (hourly from cron) deletes those nobody came back to.
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .importing import ImportPreview, ImportResult, attendees_import
from .models import ImportPreviewUpload, WorkshopCycle

IMPORT_PREVIEW_RETENTION = datetime.timedelta(hours=2)

# What ``new_import_preview_token`` makes (43 URL-safe characters); anything else posted
# as a token is refused before it reaches a query (PostgreSQL refuses NUL in a string).
_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def import_preview_keep(
    *, cycle: WorkshopCycle, user, preview: ImportPreview
) -> ImportPreviewUpload | None:
    """Keep the rows of ``preview`` for its confirmation, for ``IMPORT_PREVIEW_RETENTION``.

    Replaces the user's earlier preview for the cycle: only the list shown last can be
    confirmed. Returns None, keeping nothing, when the list has errors (it cannot be
    confirmed). Deletes every expired preview too, whoever uploaded it.
    """
    now = timezone.now()
    with transaction.atomic():
        ImportPreviewUpload.objects.filter(
            Q(cycle=cycle, user=user) | Q(expires_at__lte=now)
        ).delete()
        if not preview.is_valid:
            return None
        return ImportPreviewUpload.objects.create(
            cycle=cycle,
            user=user,
            filename=preview.filename[:255],
            rows=preview.rows,
            expires_at=now + IMPORT_PREVIEW_RETENTION,
        )


@transaction.atomic
def import_preview_confirm(
    *, cycle: WorkshopCycle, user, token: str, consent_note: str = ""
) -> tuple[str, ImportResult]:
    """Import the rows kept under ``token`` and delete them with the same commit.

    Only the user who uploaded the list may confirm it, only for the cycle it was checked
    for, only before it expires, and only once: otherwise ``ValidationError`` (code
    ``expired``, "The preview has expired. Upload the file again."). A refused import
    (``attendees_import``'s ``ValidationError``) rolls back and keeps the preview, so it
    can be confirmed again. Side effects are ``attendees_import``'s: the audit trail of
    everything it creates or changes, and ``public_data_changed()`` after the commit.
    Returns the file's name and the import's result.
    """
    stored = None
    if _TOKEN.fullmatch(token):
        stored = (
            ImportPreviewUpload.objects.select_for_update()
            .unexpired(now=timezone.now())
            .filter(token=token, user=user, cycle=cycle)
            .first()
        )
    if stored is None:
        raise ValidationError(_("The preview has expired. Upload the file again."), code="expired")
    result = attendees_import(cycle=cycle, rows=stored.rows, consent_note=consent_note)
    stored.delete()
    return stored.filename, result


def import_previews_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the expired previews (personal data past its retention); returns how many."""
    deleted, _by_model = ImportPreviewUpload.objects.expired(now=now or timezone.now()).delete()
    return deleted
