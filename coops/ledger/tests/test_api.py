"""The ledger API: each caller reads their own accounts, never anyone else's."""

import pytest
from django.test import Client

from conftest import PERSONAS
from coops.api.tests.conftest import make_token
from coops.core.models import Event
from coops.ledger import services
from coops.ledger.models import Purpose, Transaction
from coops.ledger.tests.factories import SOCIAL_CURRENCY, TEST_KIND

pytestmark = pytest.mark.django_db

URL = "/api/v1/ledger/accounts"


@pytest.fixture
def accounts(personas):
    """The member: 20 € in the AMAP's books and 9 SOL with limits; the other group's
    member: 5 € in their own group's books. The organiser and the admin own none."""
    group, other = personas.group, personas.other_group

    def open_(group, owner, currency="EUR", purpose=Purpose.MEMBER, **limits):
        return services.account_open(
            group=group, currency=currency, owner=owner, purpose=purpose, name=str(owner),
            acting_user=personas.admin, **limits,
        )  # fmt: skip

    def fund(group, account, amount, currency="EUR"):
        house = open_(group, group, currency=currency, purpose=Purpose.CASH)
        services.transfer(
            group=group, payer=house, payee=account, amount=amount, kind=TEST_KIND,
            acting_user=personas.admin,
        )  # fmt: skip

    fund(group, open_(group, personas.member), 2000)
    sol = open_(group, personas.member, currency=SOCIAL_CURRENCY, min_balance=-5000,
                max_balance=100000)  # fmt: skip
    fund(group, sol, 900, currency=SOCIAL_CURRENCY)
    fund(other, open_(other, personas.other_member), 500)
    return personas


MEMBER_ACCOUNTS = [
    {
        "group": "amap-des-weppes",
        "currency": "EUR",
        "purpose": "member",
        "balance": "20.00",
        "min_balance": None,
        "max_balance": None,
        "is_active": True,
    },
    {
        "group": "amap-des-weppes",
        "currency": SOCIAL_CURRENCY,
        "purpose": "member",
        "balance": "9.00",
        "min_balance": "-50.00",
        "max_balance": "1000.00",
        "is_active": True,
    },
]
OTHER_MEMBER_ACCOUNTS = [
    {
        "group": "groupe-local-roubaix",
        "currency": "EUR",
        "purpose": "member",
        "balance": "5.00",
        "min_balance": None,
        "max_balance": None,
        "is_active": True,
    }
]


def _without_names(body: list[dict]) -> list[dict]:
    return [{k: v for k, v in item.items() if k != "name"} for item in body]


@pytest.mark.parametrize("who", PERSONAS)
def test_each_caller_reads_only_their_own_accounts(accounts, who):
    before = (Transaction.objects.count(), Event.objects.count())
    response = accounts.client(who).get(URL)
    assert (Transaction.objects.count(), Event.objects.count()) == before
    if who == "anonymous":
        assert response.status_code == 401
        assert list(response.json()) == ["detail"]
        return
    assert response.status_code == 200
    expected = {"member": MEMBER_ACCOUNTS, "other_member": OTHER_MEMBER_ACCOUNTS}.get(who, [])
    assert _without_names(response.json()) == expected


def test_account_names_are_the_owners(accounts):
    body = accounts.client("member").get(URL).json()
    assert [item["name"] for item in body] == [str(accounts.member)] * 2


def test_a_personal_token_reads_the_same(accounts):
    client = Client(headers={"Authorization": f"Bearer {make_token(accounts.member)}"})
    response = client.get(URL)
    assert response.status_code == 200
    assert _without_names(response.json()) == MEMBER_ACCOUNTS


def test_a_bad_token_is_refused(accounts):
    client = Client(headers={"Authorization": "Bearer coops_nope"})
    assert client.get(URL).status_code == 401


def test_writing_is_not_offered(accounts):
    before = (Transaction.objects.count(), Event.objects.count())
    response = accounts.client("member").post(URL, {}, content_type="application/json")
    assert response.status_code == 405
    assert (Transaction.objects.count(), Event.objects.count()) == before
