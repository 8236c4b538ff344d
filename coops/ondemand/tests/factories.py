"""Factories for the on-demand tests. Positions are in Lille (Grand-Place ≈ 50.6366,
3.0635); a JobFactory job is quoted from the federation's rules by the same pricing
function the services use, so its amounts always satisfy the database constraints."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from coops.accounts.tests.factories import UserFactory
from coops.core.geo import Point
from coops.core.routing import straight_route
from coops.groups.models import GroupKind, GroupModule
from coops.groups.tests.factories import GroupFactory

from ..models import FederationRules, Job, JobKind, Worker
from ..pricing import Tariff, quote
from ..services._base import rules_of

LILLE = Point(50.6366, 3.0635)
ROUBAIX = Point(50.6942, 3.1746)


def enable_module(group) -> None:
    GroupModule.objects.get_or_create(group=group, module="ondemand")


class FederationFactory(GroupFactory):
    """A workers' federation with the on-demand module on."""

    class Meta:
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Coursiers solidaires {n}")
    slug = factory.Sequence(lambda n: f"coursiers-{n}")
    kind = GroupKind.FEDERATION

    @factory.post_generation
    def module(self, create, extracted, **kwargs):
        if create:
            enable_module(self)


class FederationRulesFactory(DjangoModelFactory):
    class Meta:
        model = FederationRules
        django_get_or_create = ("group",)

    group = factory.SubFactory(FederationFactory)


class WorkerFactory(DjangoModelFactory):
    class Meta:
        model = Worker

    group = factory.SubFactory(FederationFactory)
    user = factory.SubFactory(UserFactory)
    vehicle = "bike"
    lat = LILLE.lat
    lon = LILLE.lon

    class Params:
        online = factory.Trait(
            is_online=True,
            online_since=factory.LazyFunction(timezone.now),
            position_at=factory.LazyFunction(timezone.now),
        )


def _window_start():
    return timezone.now() + timedelta(minutes=30)


class JobFactory(DjangoModelFactory):
    """A delivery from the Grand-Place of Lille to Roubaix, quoted from the rules."""

    class Meta:
        model = Job

    group = factory.SubFactory(FederationFactory)
    customer = factory.SubFactory(UserFactory)
    kind = JobKind.DELIVERY
    pickup_address = "Grand-Place, 59000 Lille"
    pickup_lat = LILLE.lat
    pickup_lon = LILLE.lon
    dropoff_address = "Grand-Place, 59100 Roubaix"
    dropoff_lat = ROUBAIX.lat
    dropoff_lon = ROUBAIX.lon
    window_start = factory.LazyFunction(_window_start)
    window_end = factory.LazyAttribute(lambda o: o.window_start + timedelta(hours=1))
    items = 1

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        group = kwargs["group"]
        start = Point(kwargs["pickup_lat"], kwargs["pickup_lon"])
        end = Point(kwargs["dropoff_lat"], kwargs["dropoff_lon"])
        route = straight_route(start, end, profile="bike")
        rules = rules_of(group)
        q = quote(
            Tariff.of(rules),
            distance_m=route.distance_m,
            duration_s=route.duration_s,
            items=kwargs.get("items", 1),
        )
        defaults = {
            "distance_m": route.distance_m,
            "duration_s": route.duration_s,
            "route_source": route.source,
            "currency": q.currency,
            "tariff_minor": q.minor(q.tariff),
            "floor_minor": q.minor(q.floor),
            "worker_pay_minor": q.minor(q.worker_pay),
            "commission_minor": q.minor(q.commission),
            "fund_minor": q.minor(q.fund),
            "price_minor": q.minor(q.price),
            "commission_percent": rules.commission_percent,
        }
        for key, value in defaults.items():
            kwargs.setdefault(key, value)
        return super()._create(model_class, *args, **kwargs)
