"""Season contract pages: who may see and do what (anonymous, member, another group's
member, organiser, admin), refused POSTs changing nothing, and the main journeys."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.formats import localize

from conftest import PERSONAS
from coops.groups.tests.helpers import fr, messages_of, page
from coops.ledger.models import Payment

from ..models import Contract, ContractStatus, Instalment, Subscription
from .factories import PickupPointFactory, ProducerFactory, hub
from .test_contracts import season, subscribe

pytestmark = pytest.mark.django_db

ORGANISERS = {"organiser", "admin"}
MEMBERS = {"member", "organiser", "admin"}


def u(group, name, **kwargs):
    return reverse(f"groups:shortcircuit:{name}", kwargs={"slug": group.slug, **kwargs})


@pytest.fixture
def amap(personas):
    hub(personas.group)
    contract = season(personas.group, organiser=personas.organiser)
    subscription = subscribe(contract, personas.member, instalments=3)
    return personas, contract, subscription


def expected(who, allowed):
    if who == "anonymous":
        return 302
    return 200 if who in allowed else 403


@pytest.mark.parametrize("who", PERSONAS)
def test_anyone_who_sees_the_group_sees_the_contracts(amap, who):
    personas, contract, _subscription = amap
    client = personas.client(who)
    listing = client.get(u(personas.group, "contracts"))
    assert listing.status_code == 200
    assert contract.title in page(listing)
    detail = client.get(u(personas.group, "contract", pk=contract.pk))
    small = contract.options.get(name="Petit")
    assert detail.status_code == 200
    # The small basket's season: 12.50 × 6 deliveries to come.
    with translation.override("fr"):
        season_price = localize(Decimal("75.00"))
    assert f'data-testid="season-{small.pk}">{season_price} EUR' in page(detail)
    subscribers_listed = 'data-testid="subscribers"' in page(detail)
    assert subscribers_listed == (who in ORGANISERS)


@pytest.mark.parametrize("who", PERSONAS)
def test_drafts_are_for_organisers_only(amap, who):
    personas, _contract, _subscription = amap
    draft = season(personas.group, status=ContractStatus.DRAFT)
    response = personas.client(who).get(u(personas.group, "contract", pk=draft.pk))
    assert response.status_code == (200 if who in ORGANISERS else 404)


@pytest.mark.parametrize("who", PERSONAS)
@pytest.mark.parametrize("name", ["contract_create", "contract_edit", "instalments", "cheques"])
def test_organiser_pages(amap, who, name):
    personas, contract, _subscription = amap
    kwargs = {} if name == "contract_create" else {"pk": contract.pk}
    response = personas.client(who).get(u(personas.group, name, **kwargs))
    assert response.status_code == expected(who, ORGANISERS)


@pytest.mark.parametrize("who", PERSONAS)
def test_only_organisers_create_contracts(amap, who):
    personas, _contract, _subscription = amap
    producer = ProducerFactory()
    point = PickupPointFactory(group=personas.group)
    start = personas.group.today()
    response = personas.client(who).post(
        u(personas.group, "contract_create"),
        {
            "producer": producer.pk,
            "title": "Œufs de la ferme",
            "kind": "fixed",
            "starts_on": start.isoformat(),
            "ends_on": start.replace(year=start.year + 1).isoformat(),
            "weekday": "2",
            "pickup_point": point.pk,
            "max_absences": "3",
            "absence_notice_days": "5",
            "allow_co_subscribers": "on",
            "instalment_choices": "1, 2",
            "options-TOTAL_FORMS": "2",
            "options-INITIAL_FORMS": "0",
            "options-0-name": "Demi-douzaine",
            "options-0-price_per_delivery": "2.40",
            "options-1-name": "",
        },
    )
    created = Contract.objects.filter(title="Œufs de la ferme").first()
    if who in ORGANISERS:
        assert response.status_code == 302
        assert (created.producer, created.max_absences, created.instalment_choices) == (
            producer,
            3,
            [1, 2],
        )
        assert created.deliveries.count() in (52, 53)
        assert list(created.options.values_list("name", "price_per_delivery")) == [
            ("Demi-douzaine", Decimal("2.40"))
        ]
    else:
        assert response.status_code == expected(who, ORGANISERS)
        assert created is None


@pytest.mark.parametrize("who", PERSONAS)
def test_only_organisers_open_and_close_contracts(amap, who):
    personas, contract, _subscription = amap
    response = personas.client(who).post(
        u(personas.group, "contract_status", pk=contract.pk), {"status": "closed"}
    )
    contract.refresh_from_db()
    if who in ORGANISERS:
        assert response.status_code == 302
        assert contract.status == "closed"
    else:
        assert response.status_code == expected(who, ORGANISERS)
        assert contract.status == "open"


@pytest.mark.parametrize("who", PERSONAS)
def test_members_subscribe(amap, who):
    personas, contract, _subscription = amap
    client = personas.client(who)
    url = u(personas.group, "subscribe", pk=contract.pk)
    form = client.get(url)
    small = contract.options.get(name="Petit")
    response = client.post(
        url, {"option": small.pk, "quantity": "1", "instalments": "8", "method": "cheque"}
    )
    if who == "member":  # already subscribed: sent to their subscription
        assert form.status_code == 302
        assert Subscription.objects.filter(member=personas.member).count() == 1
    elif who in MEMBERS:
        assert form.status_code == 200
        assert response.status_code == 302
        mine = Subscription.objects.get(member=getattr(personas, who))
        assert mine.instalment_rows.count() == 8
        assert sum(mine.instalment_rows.values_list("amount", flat=True)) == Decimal("75.00")
    else:
        assert form.status_code == response.status_code == expected(who, MEMBERS)
        assert Subscription.objects.count() == 1


@pytest.mark.parametrize("who", PERSONAS)
def test_a_subscription_is_its_members_and_the_organisers(amap, who):
    personas, contract, subscription = amap
    client = personas.client(who)
    url = u(personas.group, "subscription", pk=subscription.pk)
    assert client.get(url).status_code == expected(who, {"member", "organiser", "admin"})
    large = contract.options.get(name="Grand")
    response = client.post(
        url, {"action": "change", "option": large.pk, "quantity": "1", "member_takes_first": "True"}
    )
    subscription.refresh_from_db()
    if who in {"member", "organiser", "admin"}:
        assert response.status_code == 302
        assert subscription.option == large
        assert sum(subscription.instalment_rows.values_list("amount", flat=True)) == Decimal(
            "120.00"
        )
        shown = messages_of(client.get(url))
        assert len(shown) == 1 and "120,00" in shown[0]
    else:
        assert response.status_code == expected(who, set())
        assert subscription.option.name == "Petit"
        assert sum(subscription.instalment_rows.values_list("amount", flat=True)) == Decimal(
            "75.00"
        )


@pytest.mark.parametrize("who", PERSONAS)
def test_cancelling_a_subscription(amap, who):
    personas, _contract, subscription = amap
    response = personas.client(who).post(
        u(personas.group, "subscription", pk=subscription.pk), {"action": "cancel"}
    )
    subscription.refresh_from_db()
    allowed = who in {"member", "organiser", "admin"}
    assert subscription.status == ("cancelled" if allowed else "active")
    assert response.status_code == (302 if allowed else expected(who, set()))


def test_a_refused_change_shows_why_and_changes_nothing(amap):
    personas, contract, subscription = amap
    client = personas.client("member")
    response = client.post(
        u(personas.group, "subscription", pk=subscription.pk),
        {
            "action": "change",
            "option": subscription.option_id,
            "quantity": "1",
            "co_subscriber": personas.member.pk,
        },
    )
    assert response.status_code == 400
    subscription.refresh_from_db()
    assert subscription.co_subscriber is None
    assert contract.title in page(response)


@pytest.mark.parametrize("who", PERSONAS)
def test_only_organisers_record_instalments(amap, who):
    personas, contract, subscription = amap
    instalment = subscription.instalment_rows.get(number=1)
    response = personas.client(who).post(
        u(personas.group, "instalments", pk=contract.pk),
        {
            "instalment": instalment.pk,
            "cheque_number": "0000123",
            "bank": "Crédit Coopératif",
            "received_on": personas.group.today().isoformat(),
        },
    )
    instalment.refresh_from_db()
    if who in ORGANISERS:
        assert response.status_code == 302
        assert instalment.payment.amount == Decimal("25.00")
        assert instalment.payment.member == personas.member
    else:
        assert response.status_code == expected(who, ORGANISERS)
        assert instalment.received_on is None
        assert not Payment.objects.exists()


def test_the_cheque_list_groups_cheques_by_cashing_date(amap):
    personas, contract, subscription = amap
    day = personas.group.today()
    Instalment.objects.filter(subscription=subscription, number__in=[1, 2]).update(
        cash_on=day, cheque_number="77"
    )
    response = personas.client("organiser").get(u(personas.group, "cheques", pk=contract.pk))
    text = page(response)
    assert text.count('data-testid="cheque-day"') == 2
    assert fr("Cashing date not set") in text
