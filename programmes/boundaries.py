"""County boundaries of a voivodeship, for the public maps: reference data read from
``programmes/data/boundaries/<TERYT code>.json`` (see the README there).

A voivodeship without a file has no map; adding one is adding its file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DIRECTORY = Path(__file__).resolve().parent / "data" / "boundaries"

# The only characters a path of the files may hold: commands and integers.
PATH_DATA = re.compile(r"^[MmLlZz0-9 -]+$")


@dataclass(frozen=True)
class Boundaries:
    voivodeship: str
    name: str
    view_box: tuple[int, int, int, int]
    attribution: str
    shapes: dict[str, str]  # TERYT county code -> SVG path data
    names: dict[str, str]  # TERYT county code -> name in the source

    @property
    def width(self) -> int:
        return self.view_box[2]

    @property
    def height(self) -> int:
        return self.view_box[3]


@cache
def boundaries(voivodeship: str) -> Boundaries | None:
    """The counties' outlines of the voivodeship with this TERYT code, or None when the
    portal has none. Read once per process."""
    if not re.fullmatch(r"\d{2}", voivodeship or ""):
        return None
    path = DIRECTORY / f"{voivodeship}.json"
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    shapes = {}
    for code, county in data["counties"].items():
        if not PATH_DATA.fullmatch(county["d"]):
            raise ValueError(f"{path.name}: county {code} has unexpected path data")
        shapes[code] = county["d"]
    return Boundaries(
        voivodeship=data["voivodeship"],
        name=data["name"],
        view_box=tuple(int(n) for n in data["view_box"]),
        attribution=data["attribution"],
        shapes=shapes,
        names={code: county["name"] for code, county in data["counties"].items()},
    )
