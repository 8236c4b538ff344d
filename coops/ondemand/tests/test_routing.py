"""Routing (coops.core.routing): the offline straight-line estimate, OSRM's answer
read from a mocked server, and the fallback when OSRM is down or answers nonsense."""

from __future__ import annotations

import io
import json
import math

import pytest
from django.core.exceptions import ImproperlyConfigured

from coops.core import routing
from coops.core.geo import Point
from coops.core.routing import ROAD_FACTOR, Route, route, straight_route

from .factories import LILLE, ROUBAIX

EQUATOR = Point(0.0, 0.0)
ONE_DEGREE_NORTH = Point(1.0, 0.0)
# One degree of a meridian on the mean Earth sphere (IUGG radius), in km.
DEGREE_KM = math.pi / 180 * 6371.0088


def test_the_straight_line_times_the_road_factor():
    km = DEGREE_KM * ROAD_FACTOR  # 144.55 km of road for one degree of latitude
    by_car = straight_route(EQUATOR, ONE_DEGREE_NORTH, profile="car")
    assert by_car == Route(round(km * 1000), round(km / 30 * 3600), "straight")
    by_bike = straight_route(EQUATOR, ONE_DEGREE_NORTH, profile="bike")
    assert by_bike.distance_m == by_car.distance_m
    assert by_bike.duration_s == round(km / 15 * 3600)


def test_an_unknown_profile_goes_at_car_speed():
    assert straight_route(LILLE, ROUBAIX, profile="rocket") == straight_route(
        LILLE, ROUBAIX, profile="car"
    )


def test_the_same_point_is_no_distance():
    assert straight_route(LILLE, LILLE) == Route(0, 0, "straight")


def test_straight_is_the_default_router(settings):
    settings.ROUTER = "straight"
    assert route(LILLE, ROUBAIX, profile="bike") == straight_route(LILLE, ROUBAIX, profile="bike")


def test_an_unknown_router_is_a_configuration_error(settings):
    settings.ROUTER = "teleport"
    with pytest.raises(ImproperlyConfigured):
        route(LILLE, ROUBAIX)


class _Answer(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@pytest.fixture
def osrm(settings, monkeypatch):
    """OSRM at a fake address; `calls` records each URL asked and `answer` is what
    the server replies."""
    settings.ROUTER = "osrm"
    settings.OSRM_URL = "https://osrm.example.org/"
    state = {"calls": [], "answer": b""}

    def urlopen(url, timeout):
        state["calls"].append((url, timeout))
        return _Answer(state["answer"])

    monkeypatch.setattr(routing.urllib.request, "urlopen", urlopen)
    return state


@pytest.mark.parametrize(
    ("profile", "osrm_profile"),
    [("bike", "bike"), ("cargo_bike", "bike"), ("car", "car"), ("van", "car"), ("foot", "foot")],
)
def test_osrm_answer_is_read(osrm, profile, osrm_profile):
    osrm["answer"] = json.dumps(
        {"code": "Ok", "routes": [{"distance": 12345.6, "duration": 2345.4}]}
    ).encode()
    assert route(LILLE, ROUBAIX, profile=profile) == Route(12346, 2345, "osrm")
    assert osrm["calls"] == [
        (
            f"https://osrm.example.org/route/v1/{osrm_profile}/"
            "3.0635,50.6366;3.1746,50.6942?overview=false",
            routing.OSRM_TIMEOUT_SECONDS,
        )
    ]


@pytest.mark.parametrize(
    "answer",
    [b'{"code": "NoRoute", "routes": []}', b"<html>502</html>", b'{"routes": [{}]}'],
)
def test_a_bad_osrm_answer_falls_back_to_the_straight_line(osrm, answer):
    osrm["answer"] = answer
    assert route(LILLE, ROUBAIX, profile="bike") == straight_route(LILLE, ROUBAIX, profile="bike")


def test_an_unreachable_osrm_falls_back_to_the_straight_line(settings):
    settings.ROUTER = "osrm"
    settings.OSRM_URL = "http://127.0.0.1:9"  # the discard port: nobody listens
    settings.OSRM_TIMEOUT = 0.5
    assert route(LILLE, ROUBAIX, profile="car") == straight_route(LILLE, ROUBAIX, profile="car")


def test_an_osrm_url_that_is_not_http_is_never_opened(settings, monkeypatch):
    settings.ROUTER = "osrm"
    settings.OSRM_URL = "file:///etc/passwd"

    def refuse(*args, **kwargs):
        raise AssertionError("urlopen must not be called")

    monkeypatch.setattr(routing.urllib.request, "urlopen", refuse)
    assert route(LILLE, ROUBAIX) == straight_route(LILLE, ROUBAIX)
