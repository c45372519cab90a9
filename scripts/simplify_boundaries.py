#!/usr/bin/env python3
"""Turn a GeoJSON of one voivodeship's counties into the portal's map data (run once).

    python3 scripts/simplify_boundaries.py mazowieckie_powiaty_min.geojson \\
        --voivodeship 14 --name mazowieckie > programmes/data/boundaries/14.json

The input: a FeatureCollection of (Multi)Polygons in WGS84 longitude/latitude whose
features have the properties ``teryt`` (the four-digit TERYT county code) and ``nazwa``,
as in ppatrzyk/polska-geojson (``powiaty``), which converts the PRG of GUGiK. Neighbouring
counties must share their border vertices exactly (they do there).

What it does, in pure Python:

1. projects every point to a plane: equirectangular, longitudes scaled by the cosine of
   the region's middle latitude (distortion under 2% across a voivodeship), y downwards;
2. splits the rings into arcs at the points where three counties meet or where a border
   leaves the voivodeship's edge, so that a border two counties share is one arc;
3. simplifies each arc once (Douglas–Peucker), so neighbours keep the same border and no
   gaps or overlaps open between them; a closed ring with no junction (a city inside a
   land county) is split at its farthest points first;
4. scales to integers in a view box whose longer side is ``--size`` units and writes each
   county as an SVG path (absolute start, relative moves, rings closed; holes are the
   rings of the cities inside, drawn with the even-odd rule).

The output is one JSON file per voivodeship, keyed by TERYT county code; adding another
voivodeship is adding its file (``programmes/boundaries.py`` reads them).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import defaultdict

ATTRIBUTION = (
    "granice: PRG, Główny Urząd Geodezji i Kartografii; opracowanie: ppatrzyk/polska-geojson (MIT)"
)
SOURCE = "https://github.com/ppatrzyk/polska-geojson"

Point = tuple[float, float]


def read_rings(geojson: dict) -> dict[str, dict]:
    """``{teryt: {"name": ..., "rings": [[(lon, lat), ...], ...]}}``, rings open (the
    closing point dropped)."""
    counties: dict[str, dict] = {}
    for feature in geojson["features"]:
        props = feature["properties"]
        geometry = feature["geometry"]
        polygons = (
            geometry["coordinates"]
            if geometry["type"] == "MultiPolygon"
            else [geometry["coordinates"]]
        )
        rings = []
        for polygon in polygons:
            for ring in polygon:
                points = [(float(x), float(y)) for x, y in ring]
                if points[0] == points[-1]:
                    points.pop()
                rings.append(points)
        counties[str(props["teryt"])] = {"name": props["nazwa"], "rings": rings}
    return counties


def project(counties: dict[str, dict]) -> None:
    """Equirectangular projection at the region's middle latitude, in place."""
    lats = [lat for c in counties.values() for ring in c["rings"] for _, lat in ring]
    scale = math.cos(math.radians((min(lats) + max(lats)) / 2))
    for county in counties.values():
        county["rings"] = [[(lon * scale, -lat) for lon, lat in ring] for ring in county["rings"]]


def junctions(counties: dict[str, dict]) -> set[Point]:
    """Points where the neighbours differ between two rings passing through them (three
    counties meet, or a shared border meets the voivodeship's edge)."""
    neighbours: dict[Point, set[frozenset]] = defaultdict(set)
    for county in counties.values():
        for ring in county["rings"]:
            n = len(ring)
            for i, point in enumerate(ring):
                neighbours[point].add(frozenset((ring[i - 1], ring[(i + 1) % n])))
    return {point for point, pairs in neighbours.items() if len(pairs) > 1}


def perpendicular(p: Point, a: Point, b: Point) -> float:
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == dy == 0:
        return math.hypot(x - x1, y - y1)
    return abs(dy * x - dx * y + x2 * y1 - y2 * x1) / math.hypot(dx, dy)


def douglas_peucker(points: list[Point], tolerance: float) -> list[Point]:
    """Keep the end points and every point farther than ``tolerance`` from the line
    through the points kept around it (iterative, no recursion limit)."""
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, distance = None, tolerance
        for i in range(first + 1, last):
            d = perpendicular(points[i], points[first], points[last])
            if d > distance:
                farthest, distance = i, d
        if farthest is not None:
            keep[farthest] = True
            stack += [(first, farthest), (farthest, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def split_ring(ring: list[Point], cuts: set[Point]) -> list[list[Point]]:
    """The ring's arcs between its junctions, each with both end points. A ring with no
    junction is cut at its first point and the point farthest from it."""
    indices = [i for i, p in enumerate(ring) if p in cuts]
    if not indices:
        far = max(range(len(ring)), key=lambda i: math.dist(ring[0], ring[i]))
        indices = [0, far]
    arcs = []
    for k, start in enumerate(indices):
        end = indices[(k + 1) % len(indices)]
        if end > start:
            arcs.append(ring[start : end + 1])
        else:
            arcs.append(ring[start:] + ring[: end + 1])
    return arcs


def simplify(counties: dict[str, dict], tolerance: float) -> None:
    """Simplify every arc once and rebuild the rings from the simplified arcs, in place."""
    cuts = junctions(counties)
    done: dict[tuple[Point, ...], list[Point]] = {}
    for county in counties.values():
        rings = []
        for ring in county["rings"]:
            # A ring with no junction of its own may still be shared whole (a city and
            # the hole it makes): cut both at the same points, chosen from the point set.
            own_cuts = cuts if any(p in cuts for p in ring) else _ring_cuts(ring)
            simplified: list[Point] = []
            for arc in split_ring(ring, own_cuts):
                key = tuple(arc)
                if key not in done:
                    reverse = tuple(reversed(arc))
                    if reverse in done:
                        done[key] = list(reversed(done[reverse]))
                    else:
                        done[key] = douglas_peucker(arc, tolerance)
                simplified += done[key][:-1]
            rings.append(simplified)
        county["rings"] = rings


def _ring_cuts(ring: list[Point]) -> set[Point]:
    """Two cut points for a ring without junctions that do not depend on where the ring
    starts or which way it runs: its lowest-leftmost point and the point farthest away."""
    first = min(ring)
    far = max(ring, key=lambda p: (math.dist(first, p), p))
    return {first, far}


def to_paths(counties: dict[str, dict], size: int) -> tuple[list[int], dict[str, str]]:
    """The view box and, per county, an SVG path of integers with relative moves."""
    points = [p for c in counties.values() for ring in c["rings"] for p in ring]
    min_x = min(x for x, _ in points)
    min_y = min(y for _, y in points)
    span = max(max(x for x, _ in points) - min_x, max(y for _, y in points) - min_y)
    factor = (size - 2) / span
    width = math.ceil((max(x for x, _ in points) - min_x) * factor) + 2
    height = math.ceil((max(y for _, y in points) - min_y) * factor) + 2

    def quantise(p: Point) -> tuple[int, int]:
        return round((p[0] - min_x) * factor) + 1, round((p[1] - min_y) * factor) + 1

    paths = {}
    for code, county in counties.items():
        parts = []
        for ring in county["rings"]:
            cells: list[tuple[int, int]] = []
            for p in map(quantise, ring):
                if not cells or cells[-1] != p:
                    cells.append(p)
            if len(cells) > 1 and cells[0] == cells[-1]:
                cells.pop()
            if len(cells) < 3:
                continue
            (x0, y0), moves = cells[0], []
            previous = cells[0]
            for x, y in cells[1:]:
                moves += [x - previous[0], y - previous[1]]
                previous = (x, y)
            parts.append(f"M{x0} {y0}l{_numbers(moves)}z")
        paths[code] = "".join(parts)
    return [0, 0, width, height], paths


def _numbers(values: list[int]) -> str:
    """Integers as SVG path data: a space between them, none before a minus sign."""
    text = ""
    for value in values:
        if text and value >= 0:
            text += " "
        text += str(value)
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("geojson", help="the counties of one voivodeship (WGS84 GeoJSON)")
    parser.add_argument("--voivodeship", required=True, help="TERYT code, e.g. 14")
    parser.add_argument("--name", required=True, help="the voivodeship's name, e.g. mazowieckie")
    parser.add_argument("--size", type=int, default=500, help="the view box's longer side")
    parser.add_argument(
        "--tolerance", type=float, default=1.2, help="Douglas–Peucker tolerance, in view box units"
    )
    args = parser.parse_args(argv)
    with open(args.geojson, encoding="utf-8") as f:
        counties = read_rings(json.load(f))
    project(counties)
    # The tolerance is given in view-box units: convert it to projected degrees.
    points = [p for c in counties.values() for ring in c["rings"] for p in ring]
    span = max(
        max(x for x, _ in points) - min(x for x, _ in points),
        max(y for _, y in points) - min(y for _, y in points),
    )
    simplify(counties, args.tolerance * span / (args.size - 2))
    view_box, paths = to_paths(counties, args.size)
    data = {
        "voivodeship": args.voivodeship,
        "name": args.name,
        "view_box": view_box,
        "attribution": ATTRIBUTION,
        "source": SOURCE,
        "licence": "LICENSE-polska-geojson.txt",
        "counties": {
            code: {"name": counties[code]["name"], "d": paths[code]} for code in sorted(paths)
        },
    }
    json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
