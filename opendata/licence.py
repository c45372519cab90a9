"""The licence under which the portal publishes its open data (and the API its answers).

The operator chooses it with ``OPEN_DATA_LICENCE`` (an SPDX identifier, default
``CC-BY-4.0``); the open-data page, every download's metadata, the data package, the
catalogue metadata (DCAT) and the API name it the same way, from ``open_data_licence()``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Licence:
    spdx: str  # the SPDX identifier, as Frictionless and DCAT expect it
    title: str  # the licence's own name (not translated)
    url: str  # the licence's text
    eu_uri: str  # the licence in the EU vocabulary of licences, as DCAT-AP expects it


EU_LICENCES = "http://publications.europa.eu/resource/authority/licence/"


LICENCES = {
    licence.spdx: licence
    for licence in (
        Licence(
            "CC-BY-4.0",
            "Creative Commons Uznanie autorstwa 4.0 Międzynarodowe (CC BY 4.0)",
            "https://creativecommons.org/licenses/by/4.0/legalcode.pl",
            EU_LICENCES + "CC_BY_4_0",
        ),
        Licence(
            "CC0-1.0",
            "Creative Commons CC0 1.0 Universal (przekazanie do domeny publicznej)",
            "https://creativecommons.org/publicdomain/zero/1.0/legalcode.pl",
            EU_LICENCES + "CC0",
        ),
        Licence(
            "CC-BY-SA-4.0",
            "Creative Commons Uznanie autorstwa – Na tych samych warunkach 4.0 (CC BY-SA 4.0)",
            "https://creativecommons.org/licenses/by-sa/4.0/legalcode.pl",
            EU_LICENCES + "CC_BYSA_4_0",
        ),
    )
}


def open_data_licence() -> Licence:
    """The licence set by ``OPEN_DATA_LICENCE``; an unknown identifier is a configuration
    error (refused at start-up by the system check in ``opendata.apps``)."""
    spdx = getattr(settings, "OPEN_DATA_LICENCE", "CC-BY-4.0")
    try:
        return LICENCES[spdx]
    except KeyError:
        raise ImproperlyConfigured(
            f"OPEN_DATA_LICENCE={spdx!r} is not one of {', '.join(sorted(LICENCES))}."
        ) from None
