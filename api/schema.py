"""The OpenAPI description's words (each operation's summary and description, translated)
and the hooks that complete it: only the API's operations, and on each of them the
answers every operation may give (304, 400 for lists, 404, 406, 429) and the headers of a
200 (``ETag``, ``Last-Modified``, ``Link``)."""

from __future__ import annotations

from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view

RESOURCES = {
    "projects": (
        gettext_lazy("Project ideas"),
        gettext_lazy(
            "Every project idea the records mention, with its origin, themes, partners and "
            "status history. The filters are the catalogue's; unlike the catalogue page, "
            "the list holds every idea unless scope=adopted."
        ),
    ),
    "cycles": (
        gettext_lazy("Workshop cycles"),
        gettext_lazy(
            "The cycles of workshops and conferences, with the sessions held as far as the "
            "records say and how many attendees and certificates were registered (counts "
            "only; who attended is never published)."
        ),
    ),
    "sessions": (
        gettext_lazy("Sessions"),
        gettext_lazy(
            "The workshops and conferences of each cycle. A session is identified by its "
            "cycle and its number."
        ),
    ),
    "events": (
        gettext_lazy("Programme events"),
        gettext_lazy(
            "Presentations, promotional meetings, training and meetings held outside the "
            "workshop cycles."
        ),
    ),
    "agreements": (
        gettext_lazy("Partnership agreements"),
        gettext_lazy("The partnership agreements signed in the counties, with their parties."),
    ),
    "counties": (
        gettext_lazy("Counties"),
        gettext_lazy(
            "The counties (powiaty) by their TERYT codes, with how many cycles, agreements, "
            "events and project ideas the records hold for each."
        ),
    ),
    "editions": (
        gettext_lazy("Programme editions"),
        gettext_lazy("The editions of the programme, which the other records refer to."),
    ),
    "themes": (
        gettext_lazy("Themes"),
        gettext_lazy("The themes of the project ideas."),
    ),
    "sources": (
        gettext_lazy("Sources"),
        gettext_lazy("The documents every record comes from."),
    ),
}

ROOT_DESCRIPTION = gettext_lazy(
    "The licence of the data and the addresses of the documentation, the OpenAPI "
    "description and every list."
)


def documented(kind: str):
    """The summary, description and tag of a view's operations."""
    if kind == "root":
        from .serializers import RootSerializer

        return extend_schema_view(
            get=extend_schema(
                responses=RootSerializer,
                summary=gettext_lazy("The API's root"),
                description=ROOT_DESCRIPTION,
                tags=["root"],
            )
        )
    title, description = RESOURCES[kind]
    return extend_schema_view(
        list=extend_schema(
            summary=format_lazy(gettext_lazy("{title}: the list"), title=title),
            description=description,
            tags=[kind],
        ),
        retrieve=extend_schema(
            summary=format_lazy(gettext_lazy("{title}: one record"), title=title),
            description=description,
            tags=[kind],
        ),
    )


def only_the_api(endpoints, **kwargs):
    """The API's own operations: not the description itself nor the catch-all 404."""
    from .views import NotFoundView, SchemaView

    return [
        (path, regex, method, callback)
        for path, regex, method, callback in endpoints
        if path.startswith("/api/v1/")
        and getattr(callback, "cls", None) not in (NotFoundView, SchemaView)
    ]


def _error(description) -> dict:
    return {
        "description": str(description),
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _error_schema() -> dict:
    return {
        "type": "object",
        "required": ["detail"],
        "properties": {
            "detail": {"type": "string"},
            "errors": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
                "description": _("For invalid query parameters: the errors of each."),
            },
        },
    }


def _language_parameter() -> dict:
    return {
        "in": "header",
        "name": "Accept-Language",
        "required": False,
        "schema": {"type": "string", "enum": ["pl", "en"]},
        "description": _(
            "The language of the texts in the answer (labels, figures and dates "
            "as the pages write them): Polish unless English is asked for."
        ),
    }


def _headers_of_a_200() -> dict:
    return {
        "ETag": {"schema": {"type": "string"}, "description": _("Validator for If-None-Match.")},
        "Last-Modified": {
            "schema": {"type": "string"},
            "description": _("Validator for If-Modified-Since."),
        },
        "Link": {
            "schema": {"type": "string"},
            "description": _('The licence of the data (rel="license").'),
        },
    }


def _complete(operation: dict) -> None:
    """The language parameter, the 200's headers and the other answers of one GET."""
    operation.setdefault("parameters", []).append(_language_parameter())
    responses = operation.setdefault("responses", {})
    responses.get("200", {}).setdefault("headers", {}).update(_headers_of_a_200())
    responses["304"] = {"description": _("Not modified since the validators sent.")}
    if any(p.get("in") == "query" for p in operation["parameters"]):
        responses["400"] = _error(_("Some query parameters are not valid."))
    responses["404"] = _error(_("No such record, or no such page of the list."))
    responses["406"] = _error(_("The answer can only be JSON."))
    responses["429"] = {
        **_error(_("Too many requests from this address; try again later.")),
        "headers": {
            "Retry-After": {
                "schema": {"type": "integer"},
                "description": _("Seconds until requests are accepted again."),
            }
        },
    }


def postprocess(result, generator, **kwargs):
    """Document what every operation may answer besides its 200."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = _error_schema()
    result["info"]["description"] = _(
        "The records of the Local Partnership programme in Mazovia, 2003–2017, read-only. "
        "Answers are JSON, in Polish or in English (Accept-Language); identifiers are TERYT "
        "codes and slugs, as in the open data; figures and dates keep their precision. "
        "Attendees are never published, only counts of them."
    )
    for path_item in result.get("paths", {}).values():
        if "get" in path_item:
            _complete(path_item["get"])
    return result
