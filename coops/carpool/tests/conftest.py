"""Fixtures for the carpool tests: `world`, a local group with the module on, a driver,
three passengers, an organiser and a member of another group; `p`, the suite's personas
with a driver, a ride and a passenger's request (the page tests)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from coops.groups.models import Role
from coops.groups.tests.factories import GroupFactory, MembershipFactory

from .factories import RideFactory, book, enable_carpool


@dataclass
class World:
    group: object
    driver: object
    alice: object
    bob: object
    carol: object
    organiser: object
    outsider: object


@pytest.fixture
def world(db) -> World:
    group = GroupFactory(name="Groupe local Métropole lilloise", slug="metropole-lilloise")
    enable_carpool(group)
    other = GroupFactory(name="Groupe local Amiens", slug="groupe-local-amiens")

    def member(role=Role.MEMBER):
        return MembershipFactory(group=group, role=role).user

    return World(
        group=group,
        driver=member(),
        alice=member(),
        bob=member(),
        carol=member(),
        organiser=member(Role.ORGANISER),
        outsider=MembershipFactory(group=other).user,
    )


@pytest.fixture
def p(personas):
    """The personas, plus a driver with a ride tomorrow and a passenger who asked a seat."""
    enable_carpool(personas.group)
    enable_carpool(personas.other_group)
    personas.driver = MembershipFactory(group=personas.group).user
    personas.passenger = MembershipFactory(group=personas.group).user
    personas.ride = RideFactory(group=personas.group, driver=personas.driver, seats=3)
    personas.booking = book(personas.ride, personas.passenger)
    personas.trip = personas.booking.trip
    return personas
