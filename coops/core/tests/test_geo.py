import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coops.core.geo import GeoError, Point, bounding_box, haversine_km

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
