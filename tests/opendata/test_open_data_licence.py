"""The open data's licence comes from OPEN_DATA_LICENCE and an unknown one is refused."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from opendata.licence import open_data_licence


def test_the_default_licence_is_cc_by_4():
    licence = open_data_licence()
    assert licence.spdx == "CC-BY-4.0"
    assert licence.url.startswith("https://creativecommons.org/licenses/by/4.0/")


def test_the_operator_chooses_another(settings):
    settings.OPEN_DATA_LICENCE = "CC0-1.0"
    assert open_data_licence().spdx == "CC0-1.0"


def test_an_unknown_licence_stops_the_start(settings):
    settings.OPEN_DATA_LICENCE = "WTFPL"
    with pytest.raises(SystemCheckError, match="OPEN_DATA_LICENCE='WTFPL'"):
        call_command("check")
