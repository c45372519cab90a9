"""The report's filters: a GET form whose state lives in the URL."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from programmes.facts import YEAR_MAX, YEAR_MIN
from programmes.models import County, Programme

from .services import ReportFilters

MAX_ID = 2**63 - 1  # the largest primary key the databases store


class IdChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice of records by id that refuses anything but a plausible id
    (digits only, within the database's integer range) before it queries."""

    def _check_values(self, value):
        for pk in value:
            text = str(pk)
            plausible = text.isascii() and text.isdigit() and len(text) <= len(str(MAX_ID))
            if not (plausible and 0 < int(text) <= MAX_ID):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": text.replace("\x00", "\ufffd")},
                )
        return super()._check_values(value)


class CountyChoiceField(IdChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


class ReportFilterForm(forms.Form):
    """Editions, years and counties; the counties offered are those the user may see."""

    programme = IdChoiceField(
        label=_("Programme editions"),
        queryset=Programme.objects.order_by("date_start", "name"),
        required=False,
        help_text=_("None selected: every edition."),
        error_messages={
            "invalid_choice": _("There is no programme edition %(value)s."),
            "invalid_pk_value": _("“%(pk)s” is not a programme edition."),
        },
    )
    year_from = forms.IntegerField(
        label=_("Year from"),
        required=False,
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "size": 5}),
    )
    year_to = forms.IntegerField(
        label=_("Year to"),
        required=False,
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "size": 5}),
    )
    county = CountyChoiceField(
        label=_("Counties"),
        queryset=County.objects.none(),
        required=False,
        help_text=_("None selected: every county you may see."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        error_messages={
            "invalid_choice": _(
                "County %(value)s is not one of the counties whose reports you may see."
            ),
            "invalid_pk_value": _("“%(pk)s” is not a county."),
        },
    )

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties.alphabetical()

    def clean(self):
        cleaned = super().clean()
        year_from, year_to = cleaned.get("year_from"), cleaned.get("year_to")
        if year_from is not None and year_to is not None and year_from > year_to:
            self.add_error("year_to", _("The end year must not be earlier than the start year."))
        return cleaned

    def filters(self) -> ReportFilters:
        data = self.cleaned_data
        return ReportFilters(
            programme_ids=tuple(sorted(p.pk for p in data.get("programme") or ())),
            year_from=data.get("year_from"),
            year_to=data.get("year_to"),
        )

    def selected_county_ids(self) -> tuple[int, ...]:
        return tuple(sorted(c.pk for c in self.cleaned_data.get("county") or ()))
