"""The governance journey of a group, in Chromium: the organiser schedules an Agora in the
group's time zone; members put items on its agenda, and a late item, refused on an
assembly whose cut-off has passed, goes to the Agora instead; at the Agora a consensus
proposal is blocked with a counter-proposal written in the same step, and the
counter-proposal is adopted by consent; the double speaking list serves a first-time
speaker before a second-time one; and the minutes record all of it."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import formats, timezone, translation
from playwright.sync_api import expect

from coops.accounts.tests.factories import PASSWORD, UserFactory
from coops.governance.models import (
    AgendaItem,
    AgendaItemStatus,
    Assembly,
    AssemblyStatus,
    Attendance,
    Ballot,
    Method,
    Proposal,
    ProposalStatus,
    SpeakingRequest,
)
from coops.governance.tests.factories_proposals import enable_governance
from coops.groups.models import Role
from coops.groups.tests.factories import GroupFactory, MembershipFactory
from coops.tests.browser.conftest import console_problems, login, tr, wait_for_email

pytestmark = pytest.mark.browser

SLUG = "jardins-de-cayenne"
GROUP = "Jardins partagés de Cayenne"
ZONE = "America/Cayenne"  # UTC-3 all year; the browsers live in Paris
AGORA = "Agora de la saison sèche"
WORKSITE = "Chantier participatif"
HARVEST = "Calendrier des récoltes"
COMPOST = "Règlement du compost"
MOWER = "Achat d'une débroussailleuse"
VOTE = "Adopter le règlement du compost"
BLOCK_REASON = "Les bacs ouverts attirent les rats près des parcelles des enfants."
COUNTER = "Compost collectif en bacs fermés"


# --- small helpers -----------------------------------------------------------------------


def gov(path: str = "") -> str:
    return f"/g/{SLUG}/m/governance/{path}"


def ntr(singular: str, plural: str, n: int, **params) -> str:
    """A plural message as the site words it in French."""
    with translation.override("fr"):
        text = translation.ngettext(singular, plural, n)
    return text % params


def local(value: datetime, fmt: str = "DATETIME_FORMAT") -> str:
    """A stored time as the French pages print it, in the group's zone."""
    with translation.override("fr"):
        return formats.date_format(timezone.localtime(value, ZoneInfo(ZONE)), fmt)


def typed(day, hour: int, minute: int = 0) -> str:
    """What a person types in a datetime-local field."""
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}"


def flash(page):
    return page.locator("main .messages")


def fr_cutoff(assembly: Assembly) -> str:
    """The agenda's cut-off as the French pages print it."""
    return local(assembly.agenda_closes_at)


def answer(page, title: str, position: str) -> None:
    """A member opens an open vote from the decisions page and answers it."""
    page.goto(gov())
    page.locator("main").get_by_role("link", name=title, exact=True).click()
    page.get_by_label(tr(position), exact=True).check()
    page.get_by_role("button", name=tr("Send my answer")).click()
    expect(flash(page)).to_have_text(tr("Your answer is recorded."))


def open_item(page, assembly: Assembly, title: str) -> None:
    """From the assembly's agenda, open an item's room."""
    page.goto(gov(f"assemblies/{assembly.pk}/"))
    page.locator("#agenda + ol").get_by_role("link", name=title, exact=True).click()
    expect(page.locator("main h1")).to_have_text(title)


def speaking(page):
    return page.locator("#speaking")


def my_hand(page):
    return speaking(page).locator(".my-hand")


def refresh(page) -> None:
    """The list's own refresh link, rather than waiting for the next poll: it must load
    the page again (a link to the same page with a #fragment would only scroll)."""
    with page.expect_navigation():
        page.locator("#speaking").get_by_role("link", name=tr("Refresh the list")).click()


def rank(n: int) -> str:
    return tr("Your hand is raised: you are number %(my_rank)s.", my_rank=n)


def floor(name: str) -> str:
    """Who has the floor, as the list shows it (without its markup)."""
    return re.sub("<[^>]+>", "", tr("Has the floor: <strong>%(name)s</strong>", name=name))


# --- the cooperative ---------------------------------------------------------------------


@pytest.fixture
def garden(transactional_db):
    """A community garden in French Guiana: an organiser and five members."""
    group = GroupFactory(name=GROUP, slug=SLUG, time_zone=ZONE, city="Cayenne")
    enable_governance(group)

    def member(name: str, email: str, role: str = Role.MEMBER):
        user = UserFactory(email=email, display_name=name)
        return MembershipFactory(group=group, user=user, role=role).user

    return {
        "group": group,
        "sophie": member("Sophie Martin", "sophie@example.org", Role.ORGANISER),
        "lea": member("Léa Dubois", "lea@example.org"),
        "ines": member("Inès Haddad", "ines@example.org"),
        "thomas": member("Thomas Petit", "thomas@example.org"),
        "marc": member("Marc Lefèvre", "marc@example.org"),
        "julie": member("Julie Bernard", "julie@example.org"),
    }


def test_an_agora_from_convocation_to_minutes(garden, new_page, sign_in_as):
    g = garden
    today = timezone.localdate(timezone=ZoneInfo(ZONE))

    def person(user):
        page = new_page()
        sign_in_as(page, user)
        return page

    # --- 1. Sophie, organiser, schedules the Agora in the group's time zone.
    chair = new_page()
    login(chair, "sophie@example.org", PASSWORD)
    chair.goto(f"/g/{SLUG}/")
    chair.locator("section[aria-labelledby=modules-title]").get_by_role(
        "link", name=tr("Decisions"), exact=True
    ).click()
    expect(chair).to_have_url(gov())
    chair.locator("main").get_by_role("link", name=tr("Assemblies"), exact=True).click()
    chair.get_by_role("link", name=tr("Schedule an assembly"), exact=True).click()
    expect(chair).to_have_url(gov("assemblies/new/"))
    expect(chair.locator("main")).to_contain_text(
        tr("In the group's time zone (%(zone)s).", zone=ZONE)
    )
    agora_day = today + timedelta(days=14)
    chair.locator("#id_title").fill(AGORA)
    chair.locator("#id_starts_at").fill(typed(agora_day, 18, 30))
    chair.locator("#id_ends_at").fill(typed(agora_day, 21))
    chair.locator("#id_place").fill("Carbet du jardin, chemin de la Levée, Rémire-Montjoly")
    chair.locator("#id_online_url").fill("https://visio.example.org/agora-jardins")
    chair.locator("#id_description").fill("Agora de saison : récoltes, compost, outils.")
    chair.locator("#id_quorum_percent").fill("50")
    sent_before = len(mail.outbox)
    chair.get_by_role("button", name=tr("Schedule and convene")).click()
    chair.wait_for_url(re.compile(r"/assemblies/\d+/$"))
    expect(flash(chair)).to_have_text(tr("The assembly is scheduled and the members convened."))

    agora = Assembly.objects.select_related("group").get(title=AGORA)
    starts = datetime.combine(agora_day, time(18, 30), tzinfo=ZoneInfo(ZONE))
    assert (agora.starts_at, agora.ends_at) == (starts, starts + timedelta(hours=2, minutes=30))
    assert agora.starts_at.astimezone(ZoneInfo("UTC")).hour == 21  # 18:30 in Cayenne
    assert agora.agenda_closes_at == agora.starts_at - timedelta(days=7)
    assert (agora.status, agora.organiser, agora.quorum_percent) == (
        AssemblyStatus.SCHEDULED,
        g["sophie"],
        50,
    )
    expect(chair.locator("main h1")).to_have_text(AGORA)
    expect(chair.get_by_test_id("status")).to_have_text(tr("Scheduled"))
    facts = chair.locator("main dl.facts")
    expect(facts.locator("time")).to_have_text(local(agora.starts_at))
    expect(facts).to_contain_text(f"{local(agora.ends_at, 'TIME_FORMAT')} ({ZONE})")
    expect(facts).to_contain_text("Carbet du jardin, chemin de la Levée, Rémire-Montjoly")
    expect(
        facts.get_by_role("link", name="https://visio.example.org/agora-jardins")
    ).to_be_visible()
    expect(facts).to_contain_text(
        tr("Members can propose items until %(cutoff)s.", cutoff=fr_cutoff(agora))
    )
    convocation = wait_for_email("lea@example.org", after=sent_before)
    assert tr("Convocation: %(title)s", title=AGORA) in convocation.subject

    # --- 2. Members put items on the agenda while it is open.
    lea = person(g["lea"])
    lea.goto(gov())
    lea.locator("main").get_by_role("link", name=AGORA, exact=True).click()
    expect(lea).to_have_url(gov(f"assemblies/{agora.pk}/"))
    expect(lea.get_by_role("heading", name=tr("Propose an item"))).to_be_visible()
    lea.locator("#id_title").fill(HARVEST)
    lea.locator("#id_description").fill("Qui récolte quoi, et quand, pendant la saison sèche.")
    lea.get_by_role("button", name=tr("Add to the agenda")).click()
    expect(flash(lea)).to_have_text(tr("The item is on the agenda."))

    ines = person(g["ines"])
    ines.goto(gov(f"assemblies/{agora.pk}/"))
    ines.locator("#id_title").fill(COMPOST)
    ines.locator("#id_description").fill("Des bacs de compost ouverts, gérés par chaque parcelle.")
    ines.get_by_role("button", name=tr("Add to the agenda")).click()
    expect(flash(ines)).to_have_text(tr("The item is on the agenda."))
    agenda = ines.locator("#agenda + ol > li")
    expect(agenda.locator("h3")).to_have_text([HARVEST, COMPOST])
    expect(agenda.nth(0).locator(".meta")).to_have_text(
        tr("Proposed by %(name)s", name="Léa Dubois")
    )

    # A worksite meeting is scheduled in ten days; Thomas starts writing an item for it...
    chair.goto(gov("assemblies/new/"))
    worksite_day = today + timedelta(days=10)
    chair.locator("#id_title").fill(WORKSITE)
    chair.locator("#id_starts_at").fill(typed(worksite_day, 8))
    chair.locator("#id_ends_at").fill(typed(worksite_day, 12))
    chair.locator("#id_place").fill("Parcelle nord du jardin")
    chair.get_by_role("button", name=tr("Schedule and convene")).click()
    expect(flash(chair)).to_have_text(tr("The assembly is scheduled and the members convened."))
    worksite = Assembly.objects.select_related("group").get(title=WORKSITE)

    thomas = person(g["thomas"])
    thomas.goto(gov(f"assemblies/{worksite.pk}/"))
    expect(thomas.locator("main dl.facts")).to_contain_text(
        tr("Members can propose items until %(cutoff)s.", cutoff=fr_cutoff(worksite))
    )
    thomas.locator("#id_title").fill(MOWER)
    thomas.locator("#id_description").fill("La nôtre est en panne depuis la saison des pluies.")

    # ... but the meeting is brought forward to three days from now: its cut-off has passed.
    chair.get_by_role("link", name=tr("Edit"), exact=True).click()
    brought_forward = today + timedelta(days=3)
    chair.locator("#id_starts_at").fill(typed(brought_forward, 8))
    chair.locator("#id_ends_at").fill(typed(brought_forward, 12))
    chair.get_by_role("button", name=tr("Save"), exact=True).click()
    expect(flash(chair)).to_have_text(tr("The assembly is saved."))
    worksite.refresh_from_db()
    assert worksite.agenda_closes_at < timezone.now() < worksite.starts_at
    expect(chair.locator("main dl.facts")).to_contain_text(
        tr("Closed to members' items since %(cutoff)s.", cutoff=fr_cutoff(worksite))
    )

    # Thomas sends his item: refused, with the cut-off, and an offer for the Agora.
    thomas.get_by_role("button", name=tr("Add to the agenda")).click()
    refusal = thomas.locator("main .message.error[role=alert]")
    expect(refusal).to_contain_text(
        tr(
            "The agenda of this assembly closed on %(date)s: new items can no longer be "
            "added by members.",
            date=fr_cutoff(worksite),
        )
    )
    expect(refusal).to_contain_text(
        tr(
            "The agenda of the next assembly, “%(title)s” on %(date)s, is open.",
            title=AGORA,
            date=local(agora.starts_at),
        )
    )
    assert not AgendaItem.objects.filter(assembly=worksite).exists()
    refusal.get_by_role("button", name=tr("Put it on the next assembly's agenda")).click()
    expect(thomas).to_have_url(gov(f"assemblies/{agora.pk}/#agenda"))
    expect(flash(thomas)).to_have_text(tr("The item is on the agenda."))
    expect(thomas.locator("#agenda + ol > li h3")).to_have_text([HARVEST, COMPOST, MOWER])
    # Back on the worksite meeting, the agenda says it is closed to him.
    thomas.goto(gov(f"assemblies/{worksite.pk}/"))
    expect(thomas.locator("main")).to_contain_text(
        tr(
            "The agenda closed on %(cutoff)s: ask an organiser, or propose your item for a "
            "later assembly.",
            cutoff=fr_cutoff(worksite),
        )
    )
    expect(thomas.get_by_role("button", name=tr("Add to the agenda"))).to_have_count(0)
    items = {i.title: i for i in AgendaItem.objects.filter(assembly=agora)}
    assert {t: (i.proposed_by, i.position) for t, i in items.items()} == {
        HARVEST: (g["lea"], 0),
        COMPOST: (g["ines"], 1),
        MOWER: (g["thomas"], 2),
    }

    # --- The Agora opens; Sophie takes the attendance.
    chair.goto(gov(f"assemblies/{agora.pk}/"))
    chair.get_by_role("button", name=tr("Open the assembly")).click()
    expect(flash(chair)).to_have_text(tr("The assembly is open."))
    expect(chair.get_by_test_id("status")).to_have_text(tr("In progress"))
    chair.locator("main").get_by_role("link", name=tr("Attendance"), exact=True).click()
    for key, status in [
        ("sophie", "present"),
        ("lea", "present"),
        ("ines", "present"),
        ("thomas", "present"),
        ("marc", "excused"),
    ]:
        user = g[key]
        row = chair.locator(f"#member-{user.pk}")
        row.locator("select[name=status]").select_option(status)
        row.get_by_role("button").click()
        expect(flash(chair)).to_have_text(
            tr("Attendance of %(name)s recorded.", name=user.public_name)
        )
    expect(chair.get_by_test_id("quorum")).to_have_text(
        tr(
            "%(counted)s of %(members)s members present or represented (%(share)s %%)",
            counted=4,
            members=6,
            share=66,
        )
        + " — "
        + tr("quorum reached")
    )

    # --- 5. The double speaking list on the harvest calendar.
    open_item(chair, agora, HARVEST)
    open_item(lea, agora, HARVEST)
    speaker = speaking(chair).get_by_test_id("speaker")
    expect(speaker).to_have_text(tr("Nobody has the floor."))

    # Léa raises her hand from her own phone: the chair's list shows it without a reload.
    lea.get_by_role("button", name=tr("Raise my hand")).click()
    expect(my_hand(lea)).to_contain_text(rank(1))
    expect(speaking(chair).get_by_test_id("first")).to_have_text("Léa Dubois")
    chair.get_by_role("button", name=tr("Call the next speaker")).click()
    expect(speaker).to_have_text(floor("Léa Dubois"))
    expect(my_hand(lea)).to_have_text(tr("You have the floor."))  # live on her phone too
    chair.get_by_role("button", name=tr("End this turn")).click()
    expect(speaker).to_have_text(tr("Nobody has the floor."))

    # Léa asks to speak again first; then Inès, who has not spoken yet, raises her hand.
    refresh(lea)
    lea.get_by_role("button", name=tr("Raise my hand")).click()
    expect(my_hand(lea)).to_contain_text(rank(1))
    open_item(ines, agora, HARVEST)
    ines.get_by_role("button", name=tr("Raise my hand")).click()
    expect(my_hand(ines)).to_contain_text(rank(1))
    expect(my_hand(lea)).to_contain_text(rank(2))  # Léa sees Inès pass ahead of her
    refresh(chair)
    first, second = (
        speaking(chair).get_by_test_id("first"),
        speaking(chair).get_by_test_id("second"),
    )
    expect(first).to_have_text("Inès Haddad")
    expect(second).to_have_text("Léa Dubois")
    expect(speaking(chair).locator("h3")).to_have_text(
        [
            ntr(
                "Not yet spoken on this item (%(counter)s)",
                "Not yet spoken on this item (%(counter)s)",
                1,
                counter=1,
            ),
            ntr("Speaking again (%(counter)s)", "Speaking again (%(counter)s)", 1, counter=1),
        ]
    )
    # "Call the next speaker" gives the floor to Inès, though Léa raised her hand first.
    chair.get_by_role("button", name=tr("Call the next speaker")).click()
    expect(speaker).to_have_text(floor("Inès Haddad"))
    expect(second).to_have_text("Léa Dubois")
    expect(my_hand(ines)).to_have_text(tr("You have the floor."))
    turns = SpeakingRequest.objects.filter(item=items[HARVEST]).order_by("raised_at", "pk")
    assert [(r.user.public_name, r.status) for r in turns] == [
        ("Léa Dubois", "done"),
        ("Léa Dubois", "waiting"),
        ("Inès Haddad", "speaking"),
    ]
    chair.get_by_role("button", name=tr("Call the next speaker")).click()
    expect(speaker).to_have_text(floor("Léa Dubois"))
    chair.get_by_role("button", name=tr("End this turn")).click()
    expect(speaker).to_have_text(tr("Nobody has the floor."))
    record = chair.locator("#record form")
    record.get_by_label(tr("Notes for the minutes")).fill(
        "Léa présente le calendrier ; Inès demande des binômes pour les récoltes du samedi."
    )
    record.get_by_label(tr("Outcome")).fill("Récoltes en binômes, le samedi matin.")
    record.get_by_label(tr("This item has been dealt with")).check()
    record.get_by_role("button", name=tr("Save the notes")).click()
    expect(flash(chair)).to_have_text(tr("The notes are saved."))

    # --- 3. The compost rules are put to a consensus vote in the room.
    chair.locator("nav[aria-labelledby=items-title]").get_by_role(
        "link", name=COMPOST, exact=True
    ).click()
    expect(chair.locator("main h1")).to_have_text(COMPOST)
    vote = chair.locator("#vote")
    vote.get_by_text(tr("Put this item to the vote")).click()
    vote.get_by_label(tr("Question put to the vote")).fill(VOTE)
    vote.get_by_label(tr("Text of the proposal")).fill(
        "Chaque parcelle gère son bac de compost ouvert, retourné chaque semaine."
    )
    vote.get_by_label(tr("Decision method")).select_option(Method.CONSENSUS)
    vote.get_by_label(tr("Voting time (minutes)")).fill("60")
    vote.get_by_role("button", name=tr("Open the vote")).click()
    expect(flash(chair)).to_have_text(tr("The vote is open: “%(title)s”.", title=VOTE))
    consensus = Proposal.objects.get(title=VOTE)
    assert (consensus.method, consensus.status) == (Method.CONSENSUS, ProposalStatus.OPEN)
    expect(vote.locator(".tag")).to_have_text(tr("Open"))

    answer(lea, VOTE, "Agree")

    # Thomas blocks, and writes his counter-proposal in the same step.
    thomas.goto(gov())
    thomas.locator("main").get_by_role("link", name=VOTE, exact=True).click()
    ballot = thomas.locator("form.ballot")
    ballot.get_by_label(tr("Block"), exact=True).check()
    ballot.get_by_label(tr("Reason")).fill(BLOCK_REASON)
    ballot.get_by_label(tr("Or write your counter-proposal: title")).fill(COUNTER)
    ballot.get_by_label(tr("Text of your counter-proposal")).fill(
        "Trois bacs **fermés** partagés, près de l'entrée, retournés par roulement."
    )
    ballot.get_by_role("button", name=tr("Send my answer")).click()
    expect(flash(thomas)).to_have_text(tr("Your answer is recorded."))
    expect(thomas.get_by_test_id("my-answer")).to_have_text(
        tr("You answered:")
        + " "
        + tr("%(answer)s: %(reason)s", answer=tr("Block"), reason=BLOCK_REASON)
    )
    expect(thomas.get_by_test_id("blocks")).to_have_text(
        BLOCK_REASON + " — " + tr("counter-proposal: %(title)s", title=COUNTER)
    )
    counter = Proposal.objects.get(title=COUNTER)
    assert (counter.counters, counter.author, counter.status) == (
        consensus,
        g["thomas"],
        ProposalStatus.DRAFT,
    )
    block = Ballot.objects.get(proposal=consensus, voter=g["thomas"])
    assert (block.position, block.reason, block.counter_proposal) == (
        "block",
        BLOCK_REASON,
        counter,
    )

    # Sophie closes the vote: the block stops the proposal.
    chair.goto(gov(f"proposals/{consensus.pk}/"))
    chair.get_by_role("button", name=tr("Close the vote now")).click()
    blocked = ntr("Not adopted: %(count)s block.", "Not adopted: %(count)s blocks.", 1, count=1)
    expect(flash(chair)).to_have_text(tr("The vote is closed: %(summary)s", summary=blocked))
    expect(chair.get_by_test_id("status")).to_have_text(tr("Rejected"))

    # --- 4. The counter-proposal, decided by consent, is adopted.
    thomas.goto(gov(f"proposals/{consensus.pk}/"))
    thomas.get_by_test_id("blocks").get_by_role("link", name=COUNTER).click()
    expect(thomas.locator("main h1")).to_have_text(COUNTER)
    expect(thomas.get_by_test_id("status")).to_have_text(tr("Draft"))
    thomas.get_by_role("link", name=tr("Edit the draft")).click()
    thomas.get_by_label(tr("Consent"), exact=True).check()
    thomas.get_by_role("button", name=tr("Save the draft")).click()
    expect(flash(thomas)).to_have_text(tr("The draft is saved."))
    thomas.get_by_test_id("actions").get_by_role("button", name=tr("Open the vote")).click()
    expect(thomas.get_by_test_id("status")).to_have_text(tr("Open"))
    counter.refresh_from_db()
    assert (counter.method, counter.status) == (Method.CONSENT, ProposalStatus.OPEN)

    answer(lea, COUNTER, "Agree")
    answer(ines, COUNTER, "No objection")
    answer(thomas, COUNTER, "Agree")
    answer(chair, COUNTER, "No objection")
    expect(chair.get_by_test_id("participation")).to_contain_text(
        tr("%(n)s of %(total)s voters answered.", n=4, total=6)
    )
    chair.get_by_role("button", name=tr("Close the vote now")).click()
    adopted = tr(
        "Adopted by consent: no objection (%(agree)s agree, %(no_objection)s no objection).",
        agree=2,
        no_objection=2,
    )
    expect(flash(chair)).to_have_text(tr("The vote is closed: %(summary)s", summary=adopted))
    expect(chair.get_by_test_id("status")).to_have_text(tr("Adopted"))
    expect(chair.get_by_test_id("summary")).to_have_text(adopted)
    counter.refresh_from_db()
    assert counter.status == ProposalStatus.ADOPTED

    # Notes on the compost item, then Sophie closes the Agora.
    open_item(chair, agora, COMPOST)
    record = chair.locator("#record form")
    record.get_by_label(tr("Outcome")).fill(f"La contre-proposition « {COUNTER} » est retenue.")
    record.get_by_label(tr("This item has been dealt with")).check()
    record.get_by_role("button", name=tr("Save the notes")).click()
    expect(flash(chair)).to_have_text(tr("The notes are saved."))
    chair.goto(gov(f"assemblies/{agora.pk}/"))
    chair.get_by_role("button", name=tr("Close the assembly")).click()
    expect(flash(chair)).to_have_text(tr("The assembly is closed."))
    expect(chair.get_by_test_id("status")).to_have_text(tr("Closed"))

    # --- 6. The minutes record the attendance, the agenda and the votes.
    chair.locator("main").get_by_role("link", name=tr("Minutes"), exact=True).click()
    expect(chair).to_have_url(gov(f"assemblies/{agora.pk}/minutes/"))
    agora.refresh_from_db()
    minutes = chair.locator("article.minutes")
    expect(minutes.locator("h1")).to_have_text(
        tr("Minutes of the assembly “%(title)s” of %(group)s", title=AGORA, group=GROUP)
    )
    facts = minutes.locator("ul.facts-list > li")
    expect(facts).to_have_text(
        [
            tr(
                "Date: %(date)s, from %(starts)s to %(ends)s (%(zone)s)",
                date=local(agora.started_at, "DATE_FORMAT"),  # the day it was held
                starts=local(agora.started_at, "TIME_FORMAT"),
                ends=local(agora.closed_at, "TIME_FORMAT"),
                zone=ZONE,
            ),
            tr("Place: %(place)s", place="Carbet du jardin, chemin de la Levée, Rémire-Montjoly"),
            tr("Online: %(url)s", url="https://visio.example.org/agora-jardins"),
            tr("Chair: %(name)s", name="Sophie Martin"),
            tr("Draft minutes, not yet approved."),
        ]
    )
    attendance = minutes.locator("dl.facts")
    expect(attendance.locator("dt")).to_have_text([tr("Present"), tr("Excused"), tr("Absent")])
    expect(attendance.locator("dd")).to_have_text(
        ["Inès Haddad, Léa Dubois, Sophie Martin, Thomas Petit", "Marc Lefèvre", "Julie Bernard"]
    )
    expect(minutes.get_by_test_id("quorum")).to_have_text(
        tr(
            "%(counted)s of %(members)s members present or represented (%(share)s %%)",
            counted=4,
            members=6,
            share=66,
        )
        + " — "
        + tr("quorum reached")
    )
    sections = minutes.locator("section.minutes-item")
    expect(sections.locator("h3")).to_have_text([f"1. {HARVEST}", f"2. {COMPOST}", f"3. {MOWER}"])
    harvest, compost, mower = sections.nth(0), sections.nth(1), sections.nth(2)
    expect(harvest.locator(".meta")).to_have_text(
        f"{tr('Discussed')} · {tr('Proposed by %(name)s', name='Léa Dubois')}"
    )
    expect(harvest).to_contain_text("Inès demande des binômes pour les récoltes du samedi.")
    expect(harvest).to_contain_text(f"{tr('Outcome')}: Récoltes en binômes, le samedi matin.")
    counts = [("Agree", 1), ("Abstain", 0), ("Stand aside", 0), ("Disagree", 0), ("Block", 1)]
    expect(compost.locator(".vote p")).to_have_text(
        [
            tr(
                "Vote: %(title)s — %(method)s — %(status)s",
                title=VOTE,
                method=tr("Consensus"),
                status=tr("Rejected"),
            ),
            tr("%(participants)s of %(eligible)s voters answered.", participants=2, eligible=6),
            ", ".join(f"{tr(label)}: {n}" for label, n in counts),
            blocked,
            tr(
                "Counter-proposal: %(title)s — %(method)s — %(status)s",
                title=COUNTER,
                method=tr("Consent"),
                status=tr("Adopted"),
            ),
            adopted,
        ]
    )
    expect(compost).to_contain_text(f"La contre-proposition « {COUNTER} » est retenue.")
    expect(mower.locator(".meta")).to_have_text(
        f"{tr('On the agenda')} · {tr('Proposed by %(name)s', name='Thomas Petit')}"
    )
    expect(mower.locator(".vote")).to_have_count(0)

    assert {a.user.public_name: a.status for a in Attendance.objects.filter(assembly=agora)} == {
        "Sophie Martin": "present",
        "Léa Dubois": "present",
        "Inès Haddad": "present",
        "Thomas Petit": "present",
        "Marc Lefèvre": "excused",
        "Julie Bernard": "absent",
    }
    items = {i.title: i for i in AgendaItem.objects.filter(assembly=agora)}
    assert (items[HARVEST].status, items[COMPOST].status, items[MOWER].status) == (
        AgendaItemStatus.DISCUSSED,
        AgendaItemStatus.DISCUSSED,
        AgendaItemStatus.PROPOSED,
    )
    assert items[COMPOST].proposal == consensus

    # The refused item's 400 is the only console message of the journey.
    refused = console_problems(thomas)
    assert len(refused) == 1 and "400" in refused[0], refused
    for page in (chair, lea, ines):
        assert console_problems(page) == [], page.url
