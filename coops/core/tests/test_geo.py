import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coops.core.geo import (
    BoundingBox,
    GeoError,
    Point,
    bounding_box,
    haversine_km,
    map_grid,
    web_map_box,
)

LILLE = Point(50.6292, 3.0573)
AMIENS = Point(49.8942, 2.2957)
lat = st.floats(min_value=-85, max_value=85, allow_nan=False)
lon = st.floats(min_value=-180, max_value=180, allow_nan=False)


def test_paris_london_distance():
    # The commonly published great-circle distance Paris–London is about 344 km.
    assert haversine_km(Point(48.8566, 2.3522), Point(51.5074, -0.1278)) == pytest.approx(
        343.6, abs=0.5
    )


def test_lille_amiens_is_about_a_hundred_km():
    assert 95 < haversine_km(LILLE, AMIENS) < 101


def test_distance_to_itself_is_zero():
    assert haversine_km(LILLE, LILLE) == 0


def test_out_of_range_point_is_refused():
    with pytest.raises(GeoError):
        Point(91, 0)
    with pytest.raises(GeoError):
        Point(0, 181)


def test_missing_coordinates_are_none_not_zero():
    assert Point.maybe(None, 3.0) is None
    assert Point.maybe(50.0, None) is None


@given(lat, lon, lat, lon)
def test_distance_is_symmetric(a_lat, a_lon, b_lat, b_lon):
    a, b = Point(a_lat, a_lon), Point(b_lat, b_lon)
    assert math.isclose(haversine_km(a, b), haversine_km(b, a), rel_tol=1e-9, abs_tol=1e-9)


@given(lat, lon, st.floats(min_value=0.1, max_value=500), st.floats(0, 360), st.floats(0, 1))
def test_every_point_within_radius_is_inside_the_box(c_lat, c_lon, radius, bearing, frac):
    center = Point(c_lat, c_lon)
    box = bounding_box(center, radius)
    # Walk `frac * radius` km along `bearing` on the sphere (destination formula).
    d = frac * radius * 0.999 / 6371.0088
    phi1, lmb1, theta = math.radians(c_lat), math.radians(c_lon), math.radians(bearing)
    phi2 = math.asin(math.sin(phi1) * math.cos(d) + math.cos(phi1) * math.sin(d) * math.cos(theta))
    lmb2 = lmb1 + math.atan2(
        math.sin(theta) * math.sin(d) * math.cos(phi1),
        math.cos(d) - math.sin(phi1) * math.sin(phi2),
    )
    lon2 = (math.degrees(lmb2) + 540) % 360 - 180
    assert box.contains(Point(math.degrees(phi2), lon2))


# --- map grids (clustering) and web-map boxes ---------------------------------------------------


def test_map_grid_cells_are_a_quarter_tile_wide():
    box = BoundingBox(min_lat=50.0, min_lon=2.0, max_lat=51.0, max_lon=4.0)

    grid = map_grid(box, 8)

    assert grid.lon_step == 360 / 2**10  # 64 px of a 256 px tile at zoom 8
    assert grid.lat_step == grid.lon_step * 0.6  # cos(50.5°) ≈ 0.64, rounded
    assert grid.cell(LILLE) == (
        math.floor(140.6292 / grid.lat_step),
        math.floor(183.0573 / grid.lon_step),
    )


@given(a_lat=lat, b_lat=lat, a_lon=lon, b_lon=lon, zoom=st.integers(0, 22))
def test_snapping_covers_the_box_with_whole_cells(a_lat, b_lat, a_lon, b_lon, zoom):
    box = BoundingBox(min(a_lat, b_lat), min(a_lon, b_lon), max(a_lat, b_lat), max(a_lon, b_lon))
    grid = map_grid(box, zoom)

    cells = grid.snap(box)

    assert cells.min_lat <= box.min_lat and cells.max_lat >= box.max_lat
    assert cells.min_lon <= box.min_lon and cells.max_lon >= box.max_lon
    assert (
        grid.cell(Point(cells.min_lat, cells.min_lon)) == grid.cell(Point(box.min_lat, box.min_lon))
        or cells.min_lat == -90.0
    )  # cut to the world
    rows = round((cells.max_lat - cells.min_lat) / grid.lat_step)
    cols = round((cells.max_lon - cells.min_lon) / grid.lon_step)
    assert rows <= 50 and cols <= 50


def test_map_grid_refuses_a_box_across_the_antimeridian():
    with pytest.raises(GeoError):
        map_grid(BoundingBox(min_lat=-10, min_lon=170, max_lat=10, max_lon=-170), 5)


@given(
    a_lat=st.floats(-90, 90), b_lat=st.floats(-90, 90),
    a_lon=lon, b_lon=lon, zoom=st.integers(0, 22),
)  # fmt: skip
def test_map_grid_never_has_more_than_49_cells_a_side(a_lat, b_lat, a_lon, b_lon, zoom):
    box = BoundingBox(min(a_lat, b_lat), min(a_lon, b_lon), max(a_lat, b_lat), max(a_lon, b_lon))

    grid = map_grid(box, zoom)

    rows = {grid.cell(Point(lat, box.min_lon))[0] for lat in (box.min_lat, box.max_lat)}
    cols = {grid.cell(Point(box.min_lat, x))[1] for x in (box.min_lon, box.max_lon)}
    assert max(rows) - min(rows) + 1 <= 49
    assert max(cols) - min(cols) + 1 <= 49


@given(c_lat=lat, c_lon=st.floats(-170, 170), zoom=st.integers(3, 18))
def test_a_web_map_box_holds_its_centre_and_its_size(c_lat, c_lon, zoom):
    centre = Point(c_lat, c_lon)

    box = web_map_box(centre, zoom, 1280, 800)

    assert box.contains(centre)
    if box.min_lon > -180 and box.max_lon < 180:
        assert box.max_lon - box.min_lon == pytest.approx(1280 * 360 / (256 * 2**zoom))


def test_a_web_map_box_over_paris():
    # The OpenStreetMap wiki's tile formulas: 512 px = 0.17578° of longitude at zoom 12,
    # and ytile = (1 - asinh(tan(lat)) / π) / 2 · 2^zoom, ± 384 px (1.5 tiles).
    box = web_map_box(Point(48.8566, 2.3522), 12, 1024, 768)

    assert round(box.min_lon, 5) == 2.17642 and round(box.max_lon, 5) == 2.52798
    assert round(box.min_lat, 5) == 48.76978 and round(box.max_lat, 5) == 48.94327
