"""The Frictionless Data Package of the open data (``datapackage.json``, Data Package v2).

Built from the dataset definitions (``opendata.datasets``), the one source of truth that
also drives the files and the documentation page: a resource per dataset and format
(``projekty-csv``, ``projekty-json``, ...), each with a Table Schema whose fields come from
the dataset's columns (type, description in Polish and English, example, the allowed
codes of code and precision columns as ``enum``, required fields), its primary key and
its foreign keys to the other resources of the same format. Each resource names the
licence (``OPEN_DATA_LICENCE``), the date its data last changed (``lastModified``) and the
documents its records come from (``sources``); the package names the CSV dialect, the
publisher (``OPERATOR_*``) and a version.

The version is ``SCHEMA_VERSION`` with the data's last change as build metadata
(``1.0.0+20261125000000``): raise the major number when a column is removed, renamed or
changes meaning, the minor when one is added.

The paths are relative (``projekty.csv``), so the descriptor works both at its address
next to the files and inside the ZIP of all files.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.utils.functional import Promise

from partnership.csvfiles import CSV_ENCODING
from programmes.models import Source

from .datasets import DATASETS, FORMATS, Column, Dataset
from .exports import LIST_SEPARATOR, csv_dialect_descriptor
from .licence import open_data_licence
from .metadata import (
    DESCRIPTION,
    TITLE,
    absolute_url,
    in_languages,
    iso_datetime,
    keywords,
    operator,
)
from .provenance import dataset_sources, last_changes

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
NAME = "partnerstwo-lokalne-mazowsze"
SCHEMA_VERSION = "1.0.0"
MEDIA_TYPES = {"csv": "text/csv", "json": "application/json"}
DIALECT_NOTE = {
    "pl": "Pliki CSV: UTF-8 ze znacznikiem kolejności bajtów (BOM), przecinek jako "
    "separator, wiersze zakończone CR LF, wiersz nagłówka, cudzysłowy wg RFC 4180.",
    "en": "CSV files: UTF-8 with a byte-order mark (BOM), comma-separated, rows ended by "
    "CR LF, a header row, double quotes as in RFC 4180.",
}


def translated(key: str, text: Promise | str) -> dict[str, str]:
    """``{key: the Polish text, key_en: the English one}``."""
    texts = in_languages(text)
    return {key: texts["pl"], f"{key}_en": texts["en"]}


def resource_name(slug: str, fmt: str) -> str:
    return f"{slug}-{fmt}"


def field_descriptor(column: Column, dataset: Dataset) -> dict[str, Any]:
    """A Table Schema field from a dataset's column."""
    field: dict[str, Any] = {"name": column.name, "type": column.type.schema_type}
    field.update(translated("description", column.description))
    if column.type.schema_format:
        field["format"] = column.type.schema_format
    if column.type.schema_type == "list":
        field.update(delimiter=LIST_SEPARATOR, itemType="string")
    if column.example:
        field["example"] = column.example
    constraints: dict[str, Any] = {}
    if column.name in dataset.required:
        constraints["required"] = True
    if column.codes is not None:
        constraints["enum"] = list(column.codes.values)
    if constraints:
        field["constraints"] = constraints
    return field


def table_schema(dataset: Dataset, fmt: str) -> dict[str, Any]:
    """The dataset's Table Schema; its foreign keys point at the resources of ``fmt``."""
    foreign_keys = []
    for name, target in dataset.foreign_keys.items():
        target_slug, target_column = target.split(".")
        reference = {"resource": resource_name(target_slug, fmt), "fields": [target_column]}
        foreign_keys.append({"fields": [name], "reference": reference})
    schema: dict[str, Any] = {
        "fields": [field_descriptor(column, dataset) for column in dataset.columns],
        "primaryKey": list(dataset.primary_key),
        "missingValues": [""],
    }
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return schema


def licence_descriptor() -> dict[str, str]:
    licence = open_data_licence()
    return {"name": licence.spdx, "path": licence.url, "title": licence.title}


def source_descriptor(request, source: Source) -> dict[str, str]:
    """A source document, by its page on the portal (which links to the original)."""
    return {
        "title": source.title,
        "path": absolute_url(request, "portal:source_detail", slug=source.slug),
    }


def resource_descriptor(
    request, dataset: Dataset, fmt: str, *, changed, sources: list[Source]
) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "name": resource_name(dataset.slug, fmt),
        "type": "table",
        "path": f"{dataset.slug}.{fmt}",
        "format": fmt,
        "mediatype": MEDIA_TYPES[fmt],
        "encoding": CSV_ENCODING,
        **translated("title", dataset.title),
        **translated("description", dataset.description),
    }
    if fmt == "csv":
        resource["dialect"] = csv_dialect_descriptor()
    if changed is not None:
        resource["lastModified"] = iso_datetime(changed)
    resource["licenses"] = [licence_descriptor()]
    resource["sources"] = [source_descriptor(request, source) for source in sources]
    resource["schema"] = table_schema(dataset, fmt)
    return resource


def version(changed: datetime.datetime | None) -> str:
    if changed is None:
        return SCHEMA_VERSION
    return f"{SCHEMA_VERSION}+{changed.astimezone(datetime.UTC):%Y%m%d%H%M%S}"


def package_header(request, changed: datetime.datetime | None) -> dict[str, Any]:
    """Everything but the resources and the sources."""
    publisher = operator()
    description = in_languages(DESCRIPTION)
    words = keywords()
    return {
        "$schema": PROFILE,
        "name": NAME,
        "id": absolute_url(request, "opendata:datapackage"),
        **translated("title", TITLE),
        "description": f"{description['pl']} {DIALECT_NOTE['pl']}",
        "description_en": f"{description['en']} {DIALECT_NOTE['en']}",
        "homepage": absolute_url(request, "opendata:index"),
        "version": version(changed),
        "created": iso_datetime(changed),
        "keywords": words["pl"] + words["en"],
        "licenses": [licence_descriptor()],
        "contributors": [
            {
                "title": publisher.name,
                "email": publisher.email,
                "path": publisher.url,
                "roles": ["publisher"],
            }
        ],
    }


def data_package(request) -> dict[str, Any]:
    """The descriptor, for every dataset in every format (two queries)."""
    changes = last_changes()
    sources = dataset_sources()
    changed = max(filter(None, changes.values()), default=None)
    package = {key: value for key, value in package_header(request, changed).items() if value}
    cited = {source.slug: source for per_dataset in sources.values() for source in per_dataset}
    package["sources"] = [source_descriptor(request, cited[slug]) for slug in sorted(cited)]
    package["resources"] = [
        resource_descriptor(
            request, dataset, fmt, changed=changes[dataset.slug], sources=sources[dataset.slug]
        )
        for dataset in DATASETS.values()
        for fmt in FORMATS
    ]
    return package


def render_package(package: dict[str, Any]) -> bytes:
    return json.dumps(package, ensure_ascii=False, indent=1).encode("utf-8")
