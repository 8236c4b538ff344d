"""The proxies page (give, withdraw) and the colleges page (weights, members): who may do
what, the messages of refused requests, and that refusals change nothing."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import ngettext

from conftest import PERSONAS
from coops.groups.models import MembershipStatus
from coops.groups.tests.factories import MembershipFactory
from coops.groups.tests.helpers import fr, messages_of, page

from ..models import College, CollegeMember, GroupGovernance, Proxy
from ..services.ballots import ballot_cast
from ..services.delegation import proxy_give
from .factories import AssemblyFactory
from .factories_proposals import CollegeFactory, enable_governance, login_redirect, opened, url

pytestmark = pytest.mark.django_db

MEMBERS = ("member", "organiser", "admin")
PARTICIPATE_DENIED = "Only the group's active members can take part."
ADMINISTER_DENIED = "Only the group's administrators can change how it decides."


@pytest.fixture
def world(personas):
    p = personas
    enable_governance(p.group)
    p.open = opened(p.group, p.organiser, title="Changer de fournisseur de pain")
    p.assembly = AssemblyFactory(group=p.group, title="AG de printemps")
    return p


def _snapshot() -> tuple:
    return (
        sorted(Proxy.objects.values_list("pk", "giver", "holder", "proposal", "withdrawn_at")),
        sorted(College.objects.values_list("pk", "name", "weight", "description", "position")),
        sorted(CollegeMember.objects.values_list("group", "college", "user")),
    )


def _denied(response, who: str, message: str) -> None:
    if who == "anonymous":
        login_redirect(response)
    else:
        assert response.status_code == 403
        assert fr(message) in page(response)


# --- Proxies ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", PERSONAS)
def test_proxies_page(world, who):
    response = world.client(who).get(url(world.group, "proxies"))
    if who not in MEMBERS:
        _denied(response, who, PARTICIPATE_DENIED)
        return
    assert response.status_code == 200
    text = page(response)
    assert f'<option value="p{world.open.pk}">Changer de fournisseur de pain</option>' in text
    assert f'<option value="a{world.assembly.pk}">AG de printemps</option>' in text
    # One cannot pick oneself as holder.
    assert f'<option value="{getattr(world, who).pk}">' not in text


@pytest.mark.parametrize("who", PERSONAS)
def test_give_my_vote(world, who):
    holder = world.member if who != "member" else world.admin
    before = _snapshot()
    response = world.client(who).post(
        url(world.group, "proxies"), {"scope": f"p{world.open.pk}", "holder": holder.pk}
    )
    if who not in MEMBERS:
        _denied(response, who, PARTICIPATE_DENIED)
        assert _snapshot() == before
        return
    assert response.status_code == 302
    assert messages_of(response) == [
        fr("%(name)s now holds your vote.") % {"name": holder.public_name}
    ]
    proxy = Proxy.objects.get()
    assert (proxy.giver, proxy.holder, proxy.proposal) == (getattr(world, who), holder, world.open)


def test_give_for_an_assembly(world):
    world.client("member").post(
        url(world.group, "proxies"), {"scope": f"a{world.assembly.pk}", "holder": world.admin.pk}
    )
    assert Proxy.objects.get().assembly == world.assembly
    text = page(world.client("admin").get(url(world.group, "proxies")))
    held = text[text.index('data-testid="held"') :]
    assert f"{world.member.public_name} — AG de printemps" in held


def test_a_proxy_chain_is_refused_with_a_message(world):
    proxy_give(
        group=world.group, acting_user=world.member, holder=world.organiser, proposal=world.open
    )
    before = _snapshot()
    # Member → organiser exists; the organiser cannot pass votes on to the admin.
    response = world.client("organiser").post(
        url(world.group, "proxies"), {"scope": f"p{world.open.pk}", "holder": world.admin.pk}
    )
    assert response.status_code == 200
    assert fr("You hold another member's vote: proxies do not chain.") in page(response)
    assert _snapshot() == before


def test_the_holders_limit_is_refused_with_a_message(world):
    proxy_give(group=world.group, acting_user=world.member, holder=world.admin, proposal=world.open)
    before = _snapshot()
    response = world.client("organiser").post(
        url(world.group, "proxies"), {"scope": f"p{world.open.pk}", "holder": world.admin.pk}
    )
    with translation.override("fr"):
        message = ngettext(
            "%(name)s already holds %(limit)s proxy, the group's limit.",
            "%(name)s already holds %(limit)s proxies, the group's limit.",
            1,
        ) % {"name": world.admin.public_name, "limit": 1}
    assert message in page(response)
    assert _snapshot() == before


def test_a_holder_outside_the_group_is_not_offered(world):
    before = _snapshot()
    response = world.client("member").post(
        url(world.group, "proxies"),
        {"scope": f"p{world.open.pk}", "holder": world.other_member.pk},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["holder"]
    assert _snapshot() == before


def test_the_page_states_the_groups_limit(world):
    GroupGovernance.objects.create(group=world.group, max_proxies=3)
    text = page(world.client("member").get(url(world.group, "proxies")))
    with translation.override("fr"):
        lead = ngettext(
            "If you cannot take part, give your vote to another member for one vote or one "
            "assembly. Proxies do not chain, and a member may hold %(counter)s proxy at most.",
            "If you cannot take part, give your vote to another member for one vote or one "
            "assembly. Proxies do not chain, and a member may hold %(counter)s proxies at most.",
            3,
        ) % {"counter": 3}
    assert lead in text


@pytest.mark.parametrize("who", PERSONAS)
def test_withdraw_a_proxy(world, who):
    proxy = proxy_give(
        group=world.group, acting_user=world.member, holder=world.admin, proposal=world.open
    )
    before = _snapshot()
    response = world.client(who).post(url(world.group, "proxy_withdraw", pk=proxy.pk))
    proxy.refresh_from_db()
    if who == "member":
        assert proxy.withdrawn_at is not None
        assert messages_of(response) == [fr("You have taken your vote back.")]
        return
    if who in ("organiser", "admin"):
        assert messages_of(response) == [fr("Only the member who gave this proxy can withdraw it.")]
    else:
        _denied(response, who, PARTICIPATE_DENIED)
    assert _snapshot() == before


def test_a_used_proxy_cannot_be_withdrawn(world):
    proxy = proxy_give(
        group=world.group, acting_user=world.member, holder=world.admin, proposal=world.open
    )
    ballot_cast(
        proposal=world.open,
        acting_user=world.admin,
        voter=world.member,
        response={"position": "agree"},
    )
    text = page(world.client("member").get(url(world.group, "proxies")))
    assert fr("Used: it can no longer be withdrawn") in text
    before = _snapshot()
    response = world.client("member").post(url(world.group, "proxy_withdraw", pk=proxy.pk))
    assert messages_of(response) == [
        fr("%(name)s has already voted with this proxy: it can no longer be withdrawn.")
        % {"name": world.admin.public_name}
    ]
    assert _snapshot() == before


def test_another_groups_proxy_is_404(world):
    enable_governance(world.other_group)
    elsewhere = opened(world.other_group, world.other_member)
    other = MembershipFactory(group=world.other_group).user
    proxy = proxy_give(
        group=world.other_group, acting_user=world.other_member, holder=other, proposal=elsewhere
    )
    response = world.client("member").post(url(world.group, "proxy_withdraw", pk=proxy.pk))
    assert response.status_code == 404


# --- Colleges ---------------------------------------------------------------------------------


def _colleges_form(rows: list[tuple[str, str, str]], initial: int = 0) -> dict:
    data = {
        "colleges-TOTAL_FORMS": str(len(rows)),
        "colleges-INITIAL_FORMS": str(initial),
        "colleges-MIN_NUM_FORMS": "0",
        "colleges-MAX_NUM_FORMS": "10",
    }
    for i, (name, weight, description) in enumerate(rows):
        data.update(
            {
                f"colleges-{i}-name": name,
                f"colleges-{i}-weight": weight,
                f"colleges-{i}-description": description,
            }
        )
    return data


SCIC = [("Salariés", "40", "Personnes salariées"), ("Usagers", "30", ""), ("Soutiens", "30", "")]


@pytest.mark.parametrize("who", PERSONAS)
def test_colleges_page(world, who):
    response = world.client(who).get(url(world.group, "colleges"))
    if who != "admin":
        _denied(response, who, ADMINISTER_DENIED)
        return
    assert response.status_code == 200
    assert fr("Set the colleges first.") in page(response)


@pytest.mark.parametrize("who", PERSONAS)
def test_set_colleges(world, who):
    before = _snapshot()
    response = world.client(who).post(url(world.group, "colleges"), _colleges_form(SCIC))
    if who != "admin":
        _denied(response, who, ADMINISTER_DENIED)
        assert _snapshot() == before
        return
    assert messages_of(response) == [fr("The colleges are saved.")]
    assert list(College.objects.order_by("position").values_list("name", "weight")) == [
        ("Salariés", 40),
        ("Usagers", 30),
        ("Soutiens", 30),
    ]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [("Salariés", "60", ""), ("Usagers", "40", "")],
            "The weight of “%(name)s” must be between %(min)s and %(max)s %%.",
        ),
        (
            [("Salariés", "50", ""), ("Usagers", "40", "")],
            "The weights add up to %(total)s %%; they must add up to 100 %%.",
        ),
    ],
)
def test_bad_weights_are_shown_and_nothing_changes(world, rows, message):
    world.client("admin").post(url(world.group, "colleges"), _colleges_form(SCIC))
    before = _snapshot()
    response = world.client("admin").post(url(world.group, "colleges"), _colleges_form(rows))
    assert response.status_code == 200
    expected = fr(message) % {"name": "Salariés", "min": 10, "max": 50, "total": 90}
    assert expected in page(response)
    assert _snapshot() == before


def test_a_college_without_weight_is_refused(world):
    before = _snapshot()
    response = world.client("admin").post(
        url(world.group, "colleges"), _colleges_form([("Salariés", "", ""), ("Usagers", "50", "")])
    )
    assert fr("Give this college a weight.") in page(response)
    assert _snapshot() == before


def test_the_page_shows_the_sum_and_unplaced_members(world):
    world.client("admin").post(url(world.group, "colleges"), _colleges_form(SCIC))
    text = page(world.client("admin").get(url(world.group, "colleges")))
    with translation.override("fr"):
        total = ngettext(
            "%(counter)s college, weights summing to %(total)s %%.",
            "%(counter)s colleges, weights summing to %(total)s %%.",
            3,
        ) % {"counter": 3, "total": 100}
    assert total in text
    assert world.member.public_name in text


@pytest.mark.parametrize("who", PERSONAS)
def test_assign_a_member(world, who):
    college = CollegeFactory(group=world.group, name="Usagers")
    before = _snapshot()
    response = world.client(who).post(
        url(world.group, "college_assign"), {"user": world.member.pk, "college": college.pk}
    )
    if who != "admin":
        _denied(response, who, ADMINISTER_DENIED)
        assert _snapshot() == before
        return
    assert list(CollegeMember.objects.values_list("user", "college")) == [
        (world.member.pk, college.pk)
    ]
    assert messages_of(response) == [
        fr("%(name)s is in the college “%(college)s”.")
        % {"name": world.member.public_name, "college": "Usagers"}
    ]
    world.client("admin").post(
        url(world.group, "college_assign"), {"user": world.member.pk, "college": ""}
    )
    assert not CollegeMember.objects.exists()


def test_assign_someone_who_left(world):
    college = CollegeFactory(group=world.group)
    left = MembershipFactory(group=world.group, status=MembershipStatus.LEFT).user
    before = _snapshot()
    response = world.client("admin").post(
        url(world.group, "college_assign"), {"user": left.pk, "college": college.pk}
    )
    assert messages_of(response) == [
        fr("%(name)s is not a member of this group.") % {"name": left.public_name}
    ]
    assert _snapshot() == before
