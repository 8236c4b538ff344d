"""The worker-owned platform's journey, in Chromium: a member proposes new rules and the
federation adopts them by consent, which sets the floor and the commission; a customer
asks for a delivery and sees the breakdown; of two online couriers, the job goes first to
the one the fairness score ranks first (farther, but who has not worked today), who
declines; the other accepts, picks up and delivers; the book shows a pay at least the
floor for the time."""

from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coops.accounts.tests.factories import UserFactory
from coops.core.geo import Point, haversine_km
from coops.core.geocoding import geocode
from coops.governance.models import Proposal, ProposalStatus
from coops.governance.services.ballots import ballot_cast
from coops.governance.tests.factories_proposals import enable_governance
from coops.groups.models import GroupKind, GroupModule, Role
from coops.groups.tests.factories import GroupFactory, MembershipFactory
from coops.ledger.models import Entry
from coops.ondemand.kinds import SETTLEMENT
from coops.ondemand.models import FederationRules, Job, JobStatus, OfferAnswer, Worker
from coops.ondemand.pricing import floor_pay
from coops.ondemand.tests.factories import enable_module
from coops.tests.browser.conftest import axe_check, console_problems, offline_tiles, tr

pytestmark = pytest.mark.browser

SLUG = "coursiers-lillois"


def od(path: str = "") -> str:
    return f"/g/{SLUG}/m/ondemand/{path}"


def flash(page):
    return page.locator("main .messages")


def decimals(score: float) -> str:
    """A score as the French pages print it (three decimals, decimal comma)."""
    return f"{score:.3f}".replace(".", ",")


def east_of(point, km: float) -> tuple[float, float]:
    """A point `km` east of `point` (one degree of longitude at Lille is ~70.7 km)."""
    return point.lat, point.lon + km / 70.7


@pytest.fixture
def federation(transactional_db):
    group = GroupFactory(name="Coursiers lillois", slug=SLUG, kind=GroupKind.FEDERATION)
    enable_governance(group)
    enable_module(group)
    GroupModule.objects.get_or_create(group=group, module="ledger")

    def member(name: str, role: str = Role.MEMBER):
        user = UserFactory(display_name=name)
        MembershipFactory(group=group, user=user, role=role)
        return user

    people = {
        "ines": member("Inès Organisatrice", Role.ORGANISER),
        "lucas": member("Lucas Coursier"),
        "nadia": member("Nadia Coursière"),
        "hugo": member("Hugo Sociétaire"),
        "camille": UserFactory(display_name="Camille Épicière"),  # a customer, not a member
    }
    return group, people


def go_online(page, *, lat: float, lon: float) -> None:
    """A worker registers and goes online with a position typed by hand."""
    page.goto(od("worker/"))
    register = page.get_by_role("button", name=tr("Register as a worker"))
    if register.count():
        register.click()
    form = page.locator("main form").filter(has=page.get_by_test_id("go-online"))
    form.locator("input[name=lat]").fill(str(lat))
    form.locator("input[name=lon]").fill(str(lon))
    page.get_by_test_id("go-online").click()
    expect(page.get_by_test_id("go-offline")).to_be_visible()


def test_rules_by_vote_then_a_delivery_dispatched_fairly(federation, new_page, sign_in_as):
    group, people = federation

    def person(key: str):
        page = offline_tiles(new_page())
        sign_in_as(page, people[key])
        return page

    # 1. Lucas proposes a floor of 14 €/h and a 6 % commission; the vote adopts them.
    lucas = person("lucas")
    lucas.goto(od())
    lucas.get_by_role("link", name=tr("Propose new rules")).click()
    lucas.get_by_label(tr("minimum hourly rate")).fill("14.00")
    lucas.get_by_label(tr("commission (%)")).fill("6.00")
    lucas.get_by_label(tr("Why change them")).fill(
        "Le plancher suit le SMIC ; la commission suffit."
    )
    lucas.get_by_test_id("propose-rules").click()
    expect(flash(lucas)).to_contain_text(
        tr("Your proposal is saved as a draft. Open it to the vote when it is ready.")
    )
    lucas.get_by_role("button", name=tr("Open the vote")).click()
    lucas.get_by_label(tr("Agree"), exact=True).check()
    lucas.get_by_role("button", name=tr("Send my answer")).click()
    expect(flash(lucas)).to_have_text(tr("Your answer is recorded."))
    proposal = Proposal.objects.get()
    for key in ("nadia", "hugo"):
        ballot_cast(proposal=proposal, acting_user=people[key], response={"position": "agree"})

    ines = person("ines")
    ines.goto(f"/g/{SLUG}/m/governance/proposals/{proposal.pk}/")
    ines.get_by_role("button", name=tr("Close the vote now")).click()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ADOPTED
    ines.goto(od())
    expect(ines.get_by_test_id("rule-floor")).to_contain_text("14,00 EUR")
    expect(ines.get_by_test_id("rule-commission")).to_contain_text("6,00 %")
    expect(ines.get_by_test_id("rule-history")).to_contain_text(proposal.title[:30])
    axe_check(ines)
    rules = FederationRules.objects.get(group=group)
    assert (rules.min_hourly_rate, rules.commission_percent) == (Decimal("14.00"), Decimal("6"))

    # 2. Two couriers go online near the Grand-Place: Lucas 0.5 km away with 6 hours
    # worked today, Nadia 2 km away who has not worked yet.
    lille = geocode("59000 Lille").point
    lucas_at, nadia_at = east_of(lille, 0.5), east_of(lille, 2.0)
    go_online(lucas, lat=lucas_at[0], lon=lucas_at[1])
    today = timezone.localdate(timezone.now(), ZoneInfo(group.time_zone))
    Worker.objects.filter(user=people["lucas"]).update(day=today, seconds_today=6 * 3600)
    nadia = person("nadia")
    go_online(nadia, lat=nadia_at[0], lon=nadia_at[1])

    # 3. Camille, a shopkeeper, asks for a delivery to Roubaix and sees the breakdown.
    camille = person("camille")
    camille.goto(od("jobs/new/"))
    camille.get_by_label(tr("Delivery"), exact=True).check()
    camille.get_by_label(tr("Pickup address")).fill("Le Grand Panier, 59000 Lille")
    camille.get_by_label(tr("Drop-off address")).fill("Place de la Liberté, 59100 Roubaix")
    camille.get_by_label(tr("Notes for the worker")).fill("Deux cagettes, sonner chez Mme Roussel.")
    camille.get_by_role("button", name=tr("See the price")).click()
    breakdown = camille.get_by_test_id("breakdown")
    expect(breakdown).to_be_visible()
    expect(breakdown.get_by_test_id("pay")).to_contain_text("€")
    expect(breakdown).to_contain_text("6 %")
    axe_check(camille)
    camille.get_by_test_id("confirm").click()
    expect(flash(camille)).to_contain_text(tr("Your request is sent."))
    job = Job.objects.get()
    assert job.worker_pay_minor >= job.floor_minor
    assert job.commission_percent == Decimal("6.00")
    assert job.price_minor == job.worker_pay_minor + job.commission_minor + job.fund_minor
    expect(camille.get_by_test_id("breakdown").get_by_test_id("price")).to_be_visible()

    # 4. The fairness score ranks Nadia first (2/8 + 0 < 0.5/8 + 6/10): she is offered the
    # job; the dispatcher sees Lucas next, with his score.
    nadia.goto(od("worker/"))
    expect(nadia.get_by_test_id("offer")).to_be_visible()
    pickup = Point(job.pickup_lat, job.pickup_lon)
    nadia_score = haversine_km(pickup, Point(*nadia_at)) / 8
    lucas_score = haversine_km(pickup, Point(*lucas_at)) / 8 + 6 / 10
    assert nadia_score < lucas_score
    expect(nadia.get_by_test_id("offer-score")).to_contain_text(f"= {decimals(nadia_score)}")
    axe_check(nadia)
    lucas.goto(od("worker/"))
    expect(lucas.get_by_test_id("offer")).to_have_count(0)
    ines.goto(od(f"dispatch/jobs/{job.pk}/"))
    candidates = ines.get_by_test_id("candidates")
    expect(candidates.locator("tbody tr").first).to_contain_text("Lucas Coursier")
    expect(candidates.locator("tbody tr").first).to_contain_text(decimals(lucas_score))
    axe_check(ines)

    # 5. Nadia declines; the job goes to Lucas, who accepts, picks up and delivers.
    nadia.get_by_test_id("offer").locator("input[name=reason]").fill("Chaîne cassée.")
    nadia.get_by_test_id("decline").click()
    expect(nadia.get_by_test_id("offer")).to_have_count(0)
    lucas.goto(od("worker/"))
    lucas.get_by_test_id("accept").click()
    expect(lucas.get_by_test_id("current-job")).to_be_visible()
    lucas.get_by_test_id("pickup").click()
    expect(lucas.get_by_test_id("done")).to_be_visible()
    lucas.get_by_test_id("done").click()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert [o.answer for o in job.offers.order_by("offered_at", "pk")] == [
        OfferAnswer.DECLINED,
        OfferAnswer.ACCEPTED,
    ]
    assert job.worker.user == people["lucas"]

    camille.goto(od(f"jobs/{job.pk}/"))
    expect(camille.locator("main")).to_contain_text(tr("Done"))

    # 6. The book: Lucas is credited his pay, at least the floor for the estimated time.
    credit = Entry.objects.get(
        transaction__kind=SETTLEMENT, account__owner_id=str(people["lucas"].pk)
    )
    floor = floor_pay(Decimal("14.00"), job.duration_s)
    assert credit.amount == job.worker_pay_minor >= int(floor * 100)
    lucas.goto(f"/g/{SLUG}/m/ledger/statement/")
    expect(lucas.locator("main")).to_contain_text(tr("Job settled"))
    lucas.goto(od("worker/earnings/"))
    expect(lucas.get_by_test_id("today-jobs")).to_have_text("1")
    expect(lucas.get_by_test_id("floor")).to_contain_text("14,00")
    axe_check(lucas)
    ines.goto(od("federation/"))
    expect(ines.locator("main h1")).to_have_count(1)
    axe_check(ines)

    for page in (lucas, nadia, ines, camille):
        assert console_problems(page) == []
