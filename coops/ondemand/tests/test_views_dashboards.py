"""The dashboards' pages across the personas: a worker sees only their own figures,
members the federation's anonymous aggregates, organisers the per-worker table too."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import PERSONAS
from coops.groups.tests.helpers import fr, page

from ..models import JobStatus
from ..services.jobs import job_done
from .factories import JobFactory, WorkerFactory, enable_module
from .jobs_helpers import member_worker, picked_job

pytestmark = pytest.mark.django_db

MEMBERS = ("member", "organiser", "admin")
ORGANISERS = ("organiser", "admin")


@pytest.fixture
def world(personas):
    enable_module(personas.group)
    group = personas.group
    personas.workers = {
        who: WorkerFactory(group=group, user=getattr(personas, who))
        for who in ("member", "organiser")
    }
    personas.jobs = {}
    for who, worker in personas.workers.items():
        job = picked_job(group, worker, minutes_ago=30)
        job_done(job=job, acting_user=worker.user)
        personas.jobs[who] = job
    member_worker(group)  # a third worker, so the distribution is shown
    return personas


def url(group, name: str) -> str:
    return reverse(f"groups:ondemand:{name}", kwargs={"slug": group.slug})


def login_redirect(response) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("who", PERSONAS)
def test_my_earnings_are_mine_only(world, who):
    response = world.client(who).get(url(world.group, "worker_dashboard"))
    if who == "anonymous":
        login_redirect(response)
        return
    if who == "other_member":
        assert response.status_code == 403
        assert fr("Only the federation's active members can work through it.") in page(response)
        return
    assert response.status_code == 200
    text = page(response)
    if who == "admin":
        assert fr("You are not registered as a worker of this federation.") in text
        return
    for owner, job in world.jobs.items():
        link = reverse("groups:ondemand:job", kwargs={"slug": world.group.slug, "pk": job.pk})
        assert (f'href="{link}"' in text) == (owner == who)
    assert 'data-testid="today-jobs">1<' in text
    assert 'data-testid="week-chart"' in text and "<title" in text


@pytest.mark.parametrize("who", PERSONAS)
def test_the_federation_dashboard(world, who):
    response = world.client(who).get(url(world.group, "federation"))
    if who == "anonymous":
        login_redirect(response)
        return
    if who == "other_member":
        assert response.status_code == 403
        assert fr("Only the federation's members can see its dashboard.") in page(response)
        return
    assert response.status_code == 200
    text = page(response)
    assert 'data-testid="volume-chart"' in text and 'role="img"' in text
    assert 'data-testid="month-jobs">2<' in text
    names = [w.user.public_name for w in world.workers.values()]
    if who in ORGANISERS:
        assert 'data-testid="per-worker"' in text
        assert all(name in text for name in names)
    else:
        assert 'data-testid="per-worker"' not in text
        # Only the member's own name (in the header) may appear, never a colleague's.
        assert world.workers["organiser"].user.public_name not in text


def test_with_too_few_workers_members_see_no_distribution(personas):
    enable_module(personas.group)
    worker = member_worker(personas.group)
    JobFactory(group=personas.group, worker=worker, status=JobStatus.DONE, done_at=timezone.now())
    text = page(personas.client("member").get(url(personas.group, "federation")))
    assert 'data-testid="too-few"' in text and 'data-testid="spread"' not in text
