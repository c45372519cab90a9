"""The licence of the data, as the API names it: a ``Link: <…>; rel="license"`` header on
every answer and a ``licence`` object in the root and in every list envelope, both from
``opendata.licence.open_data_licence()`` (the operator's ``OPEN_DATA_LICENCE``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from opendata.licence import open_data_licence


def licence_object() -> dict[str, str]:
    licence = open_data_licence()
    return {"id": licence.spdx, "title": licence.title, "url": licence.url}


def licence_link() -> str:
    return f'<{open_data_licence().url}>; rel="license"'


def licence_schema() -> dict:
    """The ``licence`` object in the OpenAPI description."""
    return {
        "type": "object",
        "description": _(
            "The licence of the data: its SPDX identifier, its title and the address of its text."
        ),
        "required": ["id", "title", "url"],
        "properties": {
            "id": {"type": "string", "example": "CC-BY-4.0"},
            "title": {"type": "string"},
            "url": {"type": "string", "format": "uri"},
        },
    }
