"""Bar charts as server-rendered inline SVG (``{% bar_chart %}``, ``portal/templatetags``).

Horizontal bars, one row per item, its label and value written above the bar, so that a
chart reads at 320 px as well as on a desktop: the SVG has no view box, the bars' lengths
are percentages of its width and the text keeps its size. Honest about the figures, as
the staff report's charts are (same colours, same meaning; ``css/charts.css``):

- an approximate figure ("ok.") is drawn hatched and lighter, with its "approx." label;
- a lower bound ("at least", "more than") is drawn with an open dashed end;
- an unknown figure has no bar and reads "—", never 0;
- records whose year is not known precisely are separate rows after the years.

Every chart is a ``<figure>`` with a caption, a one-sentence summary as the SVG's
accessible name, a legend of the marks it uses, and its data as a table.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from programmes.facts import Figure, Precision
from projects.filters import collation_key
from projects.models import Status

from .yearly import YearlyFigures

# Geometry, in CSS pixels (the text is 14 px, css/charts.css).
LINE = 18  # a line of text
BAR = 16  # a bar's thickness
GAP = 14  # between rows
TRACK = 90  # the longest bar, in percent of the width (room for a lower bound's end)
WRAP = 34  # characters on a line of a label: 288 px at 320 px, 14 px text, wide letters

SERIES = 5  # colours shared with the staff report's charts (--chart-1 … --chart-5)


@dataclass(frozen=True)
class ChartItem:
    """One bar: what it is, its figure, and whether it is a bucket of imprecise years."""

    label: str
    figure: Figure
    is_bucket: bool = False
    extra: tuple[str, ...] = ()  # more cells for the table


@dataclass(frozen=True)
class Row:
    lines: list[tuple[int, str]]  # (baseline y, text) of the label's lines
    value: str  # after the label, on its last line
    kind: str  # "exact", "approx", "lower", "unknown" or "zero"
    bar_y: int
    width: str  # the bar's length, percent of the width
    is_bucket: bool
    separator_y: int | None  # a line above the first bucket
    item: ChartItem

    @property
    def table_value(self) -> str:
        return str(self.item.figure)

    @property
    def has_bar(self) -> bool:
        return self.kind in ("exact", "approx", "lower")


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    summary: str
    label_header: str
    value_header: str
    extra_headers: tuple[str, ...]
    rows: list[Row]
    height: int
    series: int
    note: str = ""

    @property
    def kinds(self) -> set[str]:
        return {row.kind for row in self.rows}

    @property
    def has_approx(self) -> bool:
        return "approx" in self.kinds

    @property
    def has_lower(self) -> bool:
        return "lower" in self.kinds

    @property
    def has_unknown(self) -> bool:
        return "unknown" in self.kinds


def kind_of(figure: Figure) -> str:
    if figure.value is None:
        return "unknown"
    if figure.precision == Precision.APPROXIMATE:
        return "approx"
    if figure.precision in (Precision.AT_LEAST, Precision.MORE_THAN):
        return "lower"
    return "exact" if figure.value else "zero"


def value_text(figure: Figure) -> str:
    """The figure as the chart writes it: "—" for unknown, never 0."""
    if figure.value is None:
        return "— " + pgettext("figure", "unknown")
    return str(figure)


def bar_chart(
    *,
    chart_id: str,
    title: str,
    items: list[ChartItem],
    label_header: str,
    value_header: str,
    extra_headers: tuple[str, ...] = (),
    series: int = 1,
    note: str = "",
) -> BarChart | None:
    """Lay the items out as rows of a horizontal bar chart; None when there are none."""
    if not items:
        return None
    largest = max((item.figure.value or 0 for item in items), default=0) or 1
    rows, y, in_buckets = [], 4, False
    for item in items:
        separator = None
        if item.is_bucket and not in_buckets:
            in_buckets = True
            if rows:  # a line between the years and the buckets
                separator, y = y - GAP // 2, y + 4
        row = _row(item, top=y, largest=largest, separator=separator)
        rows.append(row)
        # A row without a bar (unknown, zero) takes no room for one.
        y = (row.bar_y + BAR if row.has_bar else row.bar_y - 4) + GAP
    return BarChart(
        id=chart_id,
        title=title,
        summary=summary(title, items),
        label_header=label_header,
        value_header=value_header,
        extra_headers=extra_headers,
        rows=rows,
        height=y - GAP + 4,
        series=(series - 1) % SERIES + 1,
        note=note,
    )


def _row(item: ChartItem, *, top: int, largest: int, separator: int | None) -> Row:
    """One row from ``top``: the label wrapped, then the value in bold on its last line
    or a line of its own, then the bar."""
    value = value_text(item.figure)
    texts = _wrapped(f"{item.label}:")
    if len(texts[-1]) + 1 + len(value) > WRAP:
        texts.append("")
    lines = [(top + 14 + i * LINE, line) for i, line in enumerate(texts)]
    known = item.figure.value or 0
    return Row(
        lines=lines,
        value=value,
        kind=kind_of(item.figure),
        bar_y=top + len(lines) * LINE + 4,
        width=f"{max(TRACK * known / largest, 0.5 if known else 0):.2f}",
        is_bucket=item.is_bucket,
        separator_y=separator,
        item=item,
    )


# What textwrap turns into a space, or drops at either end of a line.
WRAPPED_SPACE = frozenset("\t\n\x0b\x0c\r")


def _wrapped(label: str) -> list[str]:
    """``textwrap.wrap(label, WRAP) or [""]``; a label that fits on a line, without
    whitespace at either end or any but spaces, the short way: as it is."""
    if len(label) <= WRAP and label == label.strip() and WRAPPED_SPACE.isdisjoint(label):
        return [label]
    return textwrap.wrap(label, WRAP) or [""]


def summary(title: str, items: list[ChartItem]) -> str:
    """One sentence for screen readers: the largest bar, and how many figures are not
    exact or not known."""
    known = [item for item in items if item.figure.value is not None]
    if not known:
        sentence = _("%(title)s: no figure is known") % {"title": title}
    else:
        top = max(known, key=lambda item: item.figure.value)
        sentence = _("%(title)s: the largest bar is “%(label)s”, %(value)s") % {
            "title": title,
            "label": top.label,
            "value": top.figure,
        }
    inexact = sum(1 for item in known if item.figure.precision != Precision.EXACT)
    unknown = len(items) - len(known)
    if inexact:
        sentence += "; " + ngettext(
            "%(count)s figure is approximate or incomplete",
            "%(count)s figures are approximate or incomplete",
            inexact,
        ) % {"count": inexact}
    if unknown:
        sentence += "; " + ngettext(
            "%(count)s figure is unknown", "%(count)s figures are unknown", unknown
        ) % {"count": unknown}
    return sentence + "."


# --------------------------------------------------------------------------------------
# The portal's charts
# --------------------------------------------------------------------------------------


def participants_chart(
    figures: YearlyFigures, *, chart_id: str = "participants-chart"
) -> BarChart | None:
    """Attendance as reported per year of the sessions (``portal.yearly``)."""
    return bar_chart(
        chart_id=chart_id,
        title=_("Participants as reported, per year"),
        items=[
            ChartItem(period.label, period.participants, not period.is_year)
            for period in figures.session_periods
        ],
        label_header=_("Year"),
        value_header=_("Participants as reported"),
        series=1,
        note=_(
            "The attendance reported for each workshop session, in the year of the session; "
            "a person who came to several sessions is counted at each."
        ),
    )


def sessions_chart(figures: YearlyFigures, *, chart_id: str = "sessions-chart") -> BarChart | None:
    """Sessions held per period of their cycles (``portal.yearly``)."""
    return bar_chart(
        chart_id=chart_id,
        title=_("Workshop sessions held, per year"),
        items=[
            ChartItem(period.label, period.sessions_held, not period.is_year, (str(period.cycles),))
            for period in figures.cycle_periods
        ],
        label_header=_("Year"),
        value_header=_("Sessions held"),
        extra_headers=(_("Workshop cycles"),),
        series=2,
        note=_(
            "Sessions are counted in the year of their cycle. Where the sources do not give "
            "the number of sessions a cycle held, the sessions on record are a lower bound."
        ),
    )


def year_charts(figures: YearlyFigures) -> dict:
    """The context of the two per-year charts of a page."""
    return {
        "participants_chart": participants_chart(figures),
        "sessions_chart": sessions_chart(figures),
    }


def status_chart(
    counts: dict, *, chart_id: str = "status-chart", note: str = "", all_statuses: bool = True
) -> BarChart | None:
    """Project ideas per status, in the order of the statuses."""
    return bar_chart(
        chart_id=chart_id,
        title=_("Project ideas by status"),
        items=[
            ChartItem(str(status.label), Figure(counts.get(status.value, 0)))
            for status in Status
            if all_statuses or counts.get(status.value)
        ],
        label_header=_("Status"),
        value_header=_("Project ideas"),
        series=1,
        note=note,
    )


def theme_chart(
    counts: dict, labels: dict, *, chart_id: str = "theme-chart", note: str = ""
) -> BarChart | None:
    """Project ideas per theme, the most frequent first; ideas with no theme last."""
    items = sorted(
        (
            ChartItem(labels[slug], Figure(n))
            for slug, n in counts.items()
            if n and slug is not None and slug in labels
        ),
        key=lambda item: (-item.figure.value, collation_key(item.label)),
    )
    if counts.get(None):
        items.append(ChartItem(_("no theme recorded"), Figure(counts[None]), True))
    return bar_chart(
        chart_id=chart_id,
        title=_("Project ideas by theme"),
        items=items,
        label_header=_("Theme"),
        value_header=_("Project ideas"),
        series=3,
        note=note or _("An idea may address several themes, so the bars add up to more ideas."),
    )
