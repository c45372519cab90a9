"""Writes to project ideas that touch more than one model.

A project idea's ``status`` is always the status of the latest entry of its status
history. Entries are ordered by ``date_start`` (entries with an unknown date first), then
by ``id``; the last one is the latest. An idea without any history is ``proposed``.
A status changed refreshes the idea's kept facet rows (``projects.facets``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F

from partnership.caching import public_data_changed
from programmes.facts import DatePrecision
from programmes.models import Source

from .facets import idea_facets_refresh
from .models import ProjectIdea, Status, StatusChange

# The order of a status history, earliest first.
HISTORY_ORDER = (F("date_start").asc(nulls_first=True), "id")


def _locked(project: ProjectIdea) -> ProjectIdea:
    """Lock the idea's row so concurrent status writes to one idea run one after another."""
    if project.pk is None:
        raise ValueError("Save the project idea before changing its status.")
    return ProjectIdea.objects.select_for_update().only("id", "status").get(pk=project.pk)


@transaction.atomic
def project_idea_sync_status(*, project: ProjectIdea) -> str:
    """Set ``project.status`` to the status of its latest history entry; return it.

    A changed status refreshes the idea's kept facet rows (``projects.facets``) and
    invalidates the cached public pages after the commit."""
    current = _locked(project)
    latest = project.status_history.order_by(*HISTORY_ORDER).last()
    status = latest.status if latest is not None else Status.PROPOSED
    project.status = status
    if current.status != status:
        project.save(update_fields=["status"])
        idea_facets_refresh(idea_ids=[project.pk])
        public_data_changed(idea=project)
    return status


@transaction.atomic
def project_idea_set_status(
    *,
    project: ProjectIdea,
    status: str,
    date_start: datetime.date | None = None,
    date_end: datetime.date | None = None,
    date_precision: str = DatePrecision.DAY,
    note: str = "",
    sources: Iterable[Source] = (),
) -> StatusChange:
    """Record that ``project`` reached ``status`` and bring ``project.status`` up to date.

    Raises ``ValidationError`` (and saves nothing) for an unknown status or precision, an
    impossible date window, or a status the idea's history already holds. An entry dated
    before the latest one is recorded but does not change the current status. The new
    entry (shown on the idea's page) invalidates the cached public pages after the commit.
    """
    _locked(project)
    change = StatusChange(
        project=project,
        status=status,
        date_start=date_start,
        date_end=date_end,
        date_precision=date_precision,
        note=note,
    )
    change.full_clean()
    change.save()
    sources = list(sources)
    if sources:
        change.sources.set(sources)
    project_idea_sync_status(project=project)
    public_data_changed(idea=project)
    return change
