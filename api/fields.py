"""The building blocks of the API's records: figures and dates with their precision, links
to other resources and to the portal's pages, each documented in the OpenAPI description
by a small serializer that only describes what the field gives (``FigureSerializer``,
``CountyRefSerializer``…)."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from programmes.facts import DatePrecision, Figure, FuzzyDate, Precision

# -- shapes (for the OpenAPI description only) ------------------------------------------


class FigureSerializer(serializers.Serializer):
    value = serializers.IntegerField(
        allow_null=True, help_text=_("The number as recorded; null when it is unknown.")
    )
    precision = serializers.ChoiceField(
        choices=Precision.choices,
        allow_null=True,
        help_text=_("Whether the number is exact or approximate; empty when it is unknown."),
    )
    text = serializers.CharField(help_text=_("The figure as the portal's pages write it."))


class DatesSerializer(serializers.Serializer):
    start = serializers.DateField(
        allow_null=True, help_text=_("The earliest date the sources allow; null when unknown.")
    )
    end = serializers.DateField(
        allow_null=True,
        help_text=_("The latest date the sources allow; null when not recorded."),
    )
    precision = serializers.ChoiceField(
        choices=DatePrecision.choices,
        allow_null=True,
        help_text=_(
            "How exactly the date is known (day, month or year); empty when it is unknown."
        ),
    )
    text = serializers.CharField(help_text=_("The date as the portal's pages write it."))


def _url(help_text=None):
    return serializers.URLField(help_text=help_text or _("The address of this record in the API."))


class CountyRefSerializer(serializers.Serializer):
    teryt = serializers.CharField(help_text=_("TERYT code of the county (four digits)."))
    name = serializers.CharField(help_text=_("Name of the county."))
    url = _url()


class EditionRefSerializer(serializers.Serializer):
    id = serializers.CharField(help_text=_("Identifier of the programme edition."))
    name = serializers.CharField()
    url = _url()


class CycleRefSerializer(serializers.Serializer):
    id = serializers.CharField(help_text=_("Identifier of the cycle."))
    title = serializers.CharField()
    url = _url()


class EventRefSerializer(serializers.Serializer):
    id = serializers.CharField(help_text=_("Identifier of the event."))
    title = serializers.CharField()
    url = _url()


class AgreementRefSerializer(serializers.Serializer):
    id = serializers.CharField(help_text=_("Identifier of the agreement."))
    title = serializers.CharField()
    url = _url()


class SessionRefSerializer(serializers.Serializer):
    cycle = serializers.CharField(help_text=_("Identifier of the cycle."))
    number = serializers.IntegerField(
        help_text=_("Number of the session within the cycle (1, 2, …).")
    )
    url = _url()


class ProjectRefSerializer(serializers.Serializer):
    id = serializers.CharField(help_text=_("Identifier of the project idea."))
    title = serializers.CharField()
    status = serializers.CharField()
    url = _url()


class ThemeRefSerializer(serializers.Serializer):
    id = serializers.CharField(help_text=_("Identifier of the theme."))
    name = serializers.CharField()
    url = _url()


class SourceRefSerializer(serializers.Serializer):
    id = serializers.CharField(help_text=_("Identifier of the source document."))
    title = serializers.CharField()
    url = _url()


class OrganisationRefSerializer(serializers.Serializer):
    id = serializers.CharField(help_text=_("Identifier of the organisation."))
    name = serializers.CharField()


class AreaRefSerializer(serializers.Serializer):
    teryt = serializers.CharField(help_text=_("TERYT code."))
    name = serializers.CharField()


# -- fields -------------------------------------------------------------------------------


class ReadOnlyField(serializers.Field):
    """A read-only field; ``compute``, when given, derives its value from what ``source``
    gives (``source="*"``: the record itself), None giving null."""

    def __init__(self, compute: Callable | None = None, **kwargs):
        self.compute = compute
        kwargs["read_only"] = True
        if compute is not None:
            kwargs.setdefault("source", "*")
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        value = super().get_attribute(instance)
        return self.compute(value) if self.compute is not None else value


@extend_schema_field(FigureSerializer)
class FigureField(ReadOnlyField):
    """A ``Figure``: ``{value, precision, text}``."""

    def to_representation(self, figure: Figure):
        return {
            "value": figure.value,
            "precision": str(figure.precision) if figure.known else None,
            "text": str(figure),
        }


@extend_schema_field(DatesSerializer)
class DatesField(ReadOnlyField):
    """A ``FuzzyDate``: ``{start, end, precision, text}``."""

    def to_representation(self, dates: FuzzyDate):
        known = dates.known
        return {
            "start": dates.start.isoformat() if known else None,
            "end": dates.end.isoformat() if known and dates.end else None,
            "precision": str(dates.precision) if known else None,
            "text": str(dates),
        }


def ref_field(schema: type[serializers.Serializer], build: Callable, *, many: bool = False):
    """A field class giving ``build(links, obj)`` for a related record (or, with ``many``,
    a list of them from a related manager, in its order)."""

    @extend_schema_field(schema(many=many))
    class RefField(ReadOnlyField):
        def to_representation(self, value):
            links = self.context["links"]
            if many:
                return [build(links, obj) for obj in value.all()]
            return build(links, value)

    RefField.__name__ = f"{schema.__name__.removesuffix('Serializer')}{'List' if many else ''}Field"
    return RefField


def county_ref(links, county):
    return {
        "teryt": county.code,
        "name": county.name,
        "url": links.url("api:county-detail", teryt=county.code),
    }


def edition_ref(links, programme):
    return {
        "id": programme.slug,
        "name": programme.name,
        "url": links.url("api:edition-detail", slug=programme.slug),
    }


def cycle_ref(links, cycle):
    return {
        "id": cycle.slug,
        "title": cycle.title,
        "url": links.url("api:cycle-detail", slug=cycle.slug),
    }


def event_ref(links, event):
    return {
        "id": event.slug,
        "title": event.title,
        "url": links.url("api:event-detail", slug=event.slug),
    }


def agreement_ref(links, agreement):
    return {
        "id": agreement.slug,
        "title": agreement.title,
        "url": links.url("api:agreement-detail", slug=agreement.slug),
    }


def session_ref(links, session):
    return {
        "cycle": session.cycle.slug,
        "number": session.ordinal,
        "url": links.url("api:session-detail", cycle=session.cycle.slug, number=session.ordinal),
    }


def project_ref(links, idea):
    return {
        "id": idea.slug,
        "title": idea.title,
        "status": idea.status,
        "url": links.url("api:project-detail", slug=idea.slug),
    }


def theme_ref(links, theme):
    return {
        "id": theme.slug,
        "name": theme.name,
        "url": links.url("api:theme-detail", slug=theme.slug),
    }


def source_ref(links, source):
    return {
        "id": source.slug,
        "title": source.title,
        "url": links.url("api:source-detail", slug=source.slug),
    }


def organisation_ref(links, organisation):
    return {"id": organisation.slug, "name": organisation.name}


def area_ref(links, area):
    return {"teryt": area.code, "name": area.name}


CountyField = ref_field(CountyRefSerializer, county_ref)
EditionField = ref_field(EditionRefSerializer, edition_ref)
CycleField = ref_field(CycleRefSerializer, cycle_ref)
CycleListField = ref_field(CycleRefSerializer, cycle_ref, many=True)
EventField = ref_field(EventRefSerializer, event_ref)
AgreementListField = ref_field(AgreementRefSerializer, agreement_ref, many=True)
SessionField = ref_field(SessionRefSerializer, session_ref)
ProjectListField = ref_field(ProjectRefSerializer, project_ref, many=True)
ThemeListField = ref_field(ThemeRefSerializer, theme_ref, many=True)
SourceListField = ref_field(SourceRefSerializer, source_ref, many=True)
OrganisationField = ref_field(OrganisationRefSerializer, organisation_ref)
OrganisationListField = ref_field(OrganisationRefSerializer, organisation_ref, many=True)
AreaField = ref_field(AreaRefSerializer, area_ref)
AreaListField = ref_field(AreaRefSerializer, area_ref, many=True)


def identifier(help_text, source: str = "slug"):
    return serializers.CharField(source=source, read_only=True, help_text=help_text)


@extend_schema_field({"type": "string"})
class MethodTextField(ReadOnlyField):
    """The text a method of the record gives (``get_status_display``, ``__str__``), called
    directly: DRF would inspect the method's signature for every record."""

    def __init__(self, method: str, **kwargs):
        self.method = method
        kwargs["source"] = "*"
        super().__init__(**kwargs)

    def to_representation(self, obj):
        return str(getattr(obj, self.method)())


def label(method: str):
    return MethodTextField(method, help_text=_("The code's name, in the answer's language."))


def text(help_text=None):
    """A text field; empty when the sources say nothing."""
    return serializers.CharField(read_only=True, help_text=help_text)


class LinkField(ReadOnlyField):
    """The record's own address (in the API or on the portal), from ``address(links, obj)``."""

    def __init__(self, address: Callable, **kwargs):
        self.address = address
        kwargs["source"] = "*"
        super().__init__(**kwargs)

    def to_representation(self, obj):
        return self.address(self.context["links"], obj)


@extend_schema_field({"type": "string", "format": "uri"})
class UrlLinkField(LinkField):
    pass


@extend_schema_field(
    {"type": "object", "additionalProperties": {"type": "string", "format": "uri"}}
)
class LinkMapField(LinkField):
    pass
