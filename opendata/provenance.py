"""When each dataset last changed and which documents its records come from.

**Last change** (``last_changes``), from the data, never from the time of the request: the
latest of

- the ``updated_at`` of every row of the models a dataset is drawn from
  (``Dataset.changed_by``: the model it exports and those whose values it shows or counts,
  e.g. for project ideas also their status changes, cycles, events, editions, themes and
  partner organisations), and
- the ``history_date`` of every entry in those models' history (django-simple-history),
  which is where a deletion, and a change to a model without ``updated_at``, leaves its
  date.

It is never earlier than the dataset's real last change made through the models (a save,
a create, a delete), and may be later: a change to a row the dataset does not show (an
organisation nobody's partner) counts too. The TERYT units (counties, voivodeships,
municipalities) are reference data and carry no date. All datasets' dates are one query:
one ``MAX`` per table, joined by ``UNION ALL``.

**Sources** (``dataset_sources``): the ``Source`` records cited by the rows of a dataset's
``sourced_by`` models (project ideas and their status changes, cycles, ...), in one query
for all datasets.
"""

from __future__ import annotations

import datetime
import functools
import operator

from django.db import models
from django.db.models import Exists, Max, OuterRef, Q, Value

from programmes.models import Source

from .datasets import DATASETS, Dataset


def _dated_tables(model: type[models.Model]) -> list[tuple[type[models.Model], str]]:
    """The tables (model, date column) that date a change to ``model``'s rows."""
    tables = []
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        tables.append((model, "updated_at"))
    history = getattr(model, "history", None)
    if history is not None:
        tables.append((history.model, "history_date"))
    return tables


def _latest_per_table(tables: list[tuple[type[models.Model], str]]) -> dict[str, datetime.datetime]:
    """``{table label: latest date}`` for tables with at least one row, in one query."""
    queries = [
        model._default_manager.order_by()
        .annotate(table=Value(model._meta.label_lower, output_field=models.CharField()))
        .values("table")
        .annotate(latest=Max(column))
        .values_list("table", "latest")
        for model, column in tables
    ]
    if not queries:
        return {}
    union = queries[0].union(*queries[1:], all=True)
    return {table: latest for table, latest in union if latest is not None}


def last_changes(datasets: dict[str, Dataset] = DATASETS) -> dict[str, datetime.datetime | None]:
    """``{dataset slug: date of its last change}`` (None when none of its tables holds a
    dated row)."""
    tables = {
        dataset.slug: [t for model in dataset.changed_by for t in _dated_tables(model)]
        for dataset in datasets.values()
    }
    distinct = list({t for per_dataset in tables.values() for t in per_dataset})
    latest = _latest_per_table(distinct)
    return {
        slug: max(
            (latest[m._meta.label_lower] for m, _c in per_dataset if m._meta.label_lower in latest),
            default=None,
        )
        for slug, per_dataset in tables.items()
    }


def latest_change(datasets: dict[str, Dataset] = DATASETS) -> datetime.datetime | None:
    """The last change of any of ``datasets``."""
    return max(filter(None, last_changes(datasets).values()), default=None)


def _cited_by(model: type[models.Model]) -> str:
    return f"cited_by_{model._meta.label_lower.replace('.', '_')}"


def dataset_sources(datasets: dict[str, Dataset] = DATASETS) -> dict[str, list[Source]]:
    """``{dataset slug: the sources its records cite}``, each list in the sources' order."""
    sourced = {model for dataset in datasets.values() for model in dataset.sourced_by}
    citations = {
        _cited_by(model): Exists(model.sources.through.objects.filter(source=OuterRef("pk")))
        for model in sourced
    }
    if not citations:
        return {slug: [] for slug in datasets}
    cited = functools.reduce(operator.or_, (Q(**{name: True}) for name in citations))
    sources = list(Source.objects.annotate(**citations).filter(cited).order_by("slug"))
    return {
        dataset.slug: [
            source
            for source in sources
            if any(getattr(source, _cited_by(model)) for model in dataset.sourced_by)
        ]
        for dataset in datasets.values()
    }
