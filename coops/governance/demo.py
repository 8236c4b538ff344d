"""The demo territory's governance, built through the services.

- The regional network held its October Agora (attendance, a proxy, notes, a vote in the
  room). The next Agora is in twelve days: its agenda is open to members' items until
  the cut-off, and it carries the approval of the October minutes.
- A consensus proposal was blocked with a counter-proposal; the counter-proposal was
  adopted by consent. A consent proposal and a majority-judgment poll are open.
- The federation chose the date of its festival with a ranked (Schulze) vote.
- The SCIC votes by its four colleges: a weighted qualified majority was adopted.
- The AMAP des Weppes changed its agenda cut-off by a decision (a motion) and spreads
  dots to choose the producers to invite.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from coops.core.demo import DemoContext

from .models import Assembly, AttendanceStatus, Method, Proposal, QuorumRule
from .services.agenda import (
    agenda_item_open_vote,
    agenda_item_propose,
    agenda_item_record,
    assembly_notes_record,
    minutes_submit,
)
from .services.assemblies import assembly_close, assembly_schedule, assembly_start
from .services.attendance import attendance_record
from .services.ballots import ballot_block_with_counter_proposal, ballot_cast
from .services.closing import proposal_close
from .services.delegation import college_assign, colleges_set, proxy_give
from .services.proposals import proposal_create, proposal_open
from .services.speaking import speaking_call_next, speaking_done, speaking_hand_raise

NETWORK = "hauts-de-france"


def _evening(days: int, hour: int = 18, minute: int = 30) -> datetime:
    """A moment `days` from today at hour:minute, Paris time."""
    day = timezone.localdate() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo("Europe/Paris"))


def _vote(proposal, ctx: DemoContext, answers: dict[str, dict]) -> None:
    for key, response in answers.items():
        ballot_cast(proposal=proposal, acting_user=ctx.users[key], response=response)


def _backdate_assembly(assembly: Assembly, days: int) -> None:
    """Move a just-held demo assembly `days` into the past (the services only schedule
    the future)."""
    shift = timedelta(days=days)
    Assembly.objects.filter(pk=assembly.pk).update(
        starts_at=assembly.starts_at - shift,
        ends_at=assembly.ends_at - shift,
        agenda_closes_at=assembly.agenda_closes_at - shift,
        started_at=assembly.starts_at - shift,
        closed_at=assembly.ends_at - shift,
        convened_at=assembly.agenda_closes_at - shift - timedelta(days=14),
    )


def load_governance(ctx: DemoContext) -> None:
    _network_agoras(ctx)
    _network_proposals(ctx)
    _federation_date(ctx)
    _scic_colleges(ctx)
    _amap_weppes(ctx)
    count = Proposal.objects.count()
    ctx.log(f"governance: 2 Agoras, {count} proposals, a SCIC's colleges, proxies")


def _network_agoras(ctx: DemoContext) -> None:
    group, u = ctx.groups[NETWORK], ctx.users
    sophie = u["sophie"]
    # October's Agora, held today then moved a month back.
    october = assembly_schedule(
        group=group,
        acting_user=sophie,
        title="Agora d'octobre",
        starts_at=_evening(8),
        ends_at=_evening(8, 21, 0),
        place="Maison de l'économie solidaire, 235 boulevard Paul Painlevé, Lille",
        online_url="https://visio.example.org/agora-hdf",
        description="Agora mensuelle du réseau : bilan des commissions et budget 2027.",
        quorum_percent=25,
    )
    bilan = agenda_item_propose(
        assembly=october,
        acting_user=u["lea"],
        title="Bilan de la commission numérique",
        description="Où en est l'annuaire ? Retours des premières fiches.",
    )
    budget = agenda_item_propose(
        assembly=october,
        acting_user=u["thomas"],
        title="Budget 2027 du réseau",
        description="Proposition de budget et cotisations 2027.",
    )
    proxy_give(group=group, acting_user=u["pierre"], holder=u["karim"], assembly=october)
    assembly_start(assembly=october, acting_user=sophie)
    present = ["sophie", "thomas", "camille", "karim", "lea", "ines", "julien", "nadia"]
    for key in present:
        attendance_record(
            assembly=october, acting_user=sophie, user=u[key], status=AttendanceStatus.PRESENT
        )
    attendance_record(
        assembly=october,
        acting_user=sophie,
        user=u["pierre"],
        status=AttendanceStatus.REPRESENTED,
        proxy_holder=u["karim"],
    )
    attendance_record(
        assembly=october, acting_user=sophie, user=u["claire"], status=AttendanceStatus.EXCUSED
    )
    # The double speaking list on the budget: Léa spoke first, Ines (first time) before
    # Léa's second turn.
    speaking_hand_raise(item=budget, acting_user=u["lea"])
    speaking_call_next(item=budget, acting_user=sophie)
    speaking_done(item=budget, acting_user=sophie)
    speaking_hand_raise(item=budget, acting_user=u["lea"])
    speaking_hand_raise(item=budget, acting_user=u["ines"])
    speaking_call_next(item=budget, acting_user=sophie)
    speaking_done(item=budget, acting_user=sophie)
    vote = agenda_item_open_vote(
        item=budget,
        acting_user=sophie,
        title="Adopter le budget 2027",
        body="Budget de 48 200 € ; cotisation inchangée à 30 € par structure.",
        method=Method.MAJORITY,
    )
    yes, no = {"position": "yes"}, {"position": "no"}
    _vote(vote, ctx, dict.fromkeys(present[:7], yes) | {"nadia": no})
    ballot_cast(proposal=vote, acting_user=u["karim"], voter=u["pierre"], response=yes)
    proposal_close(proposal=vote, acting_user=sophie)
    agenda_item_record(
        item=bilan,
        acting_user=sophie,
        notes="142 fiches publiées, 18 en attente de modération. Appel à bénévoles.",
        outcome="Trois nouveaux modérateurs volontaires.",
        discussed=True,
    )
    agenda_item_record(
        item=budget,
        acting_user=sophie,
        notes="Débat sur la part consacrée aux outils numériques.",
        outcome="Budget adopté.",
        discussed=True,
    )
    assembly_notes_record(
        assembly=october, acting_user=sophie, notes="Prochaine Agora : premier jeudi du mois."
    )
    assembly_close(assembly=october, acting_user=sophie)
    _backdate_assembly(october, 36)

    # November's Agora: its agenda is open to members until seven days before.
    november = assembly_schedule(
        group=group,
        acting_user=sophie,
        title="Agora de novembre",
        starts_at=_evening(12),
        ends_at=_evening(12, 21, 0),
        place="Maison de l'économie solidaire, 235 boulevard Paul Painlevé, Lille",
        online_url="https://visio.example.org/agora-hdf",
        description="Ordre du jour ouvert à toutes et tous jusqu'à sept jours avant.",
        quorum_percent=25,
    )
    october.refresh_from_db()
    minutes_submit(assembly=october, acting_user=sophie)
    agenda_item_propose(
        assembly=november,
        acting_user=u["nadia"],
        title="Fête de la coopération au printemps",
        description="Un stand commun des AMAP et des SCOP au marché de Wazemmes ?",
    )
    agenda_item_propose(
        assembly=november,
        acting_user=u["julien"],
        title="Statuts : ouvrir un collège des salariés",
    )
    proxy_give(group=group, acting_user=u["hugo"], holder=u["emma"], assembly=november)


def _network_proposals(ctx: DemoContext) -> None:
    group, u = ctx.groups[NETWORK], ctx.users
    # Consensus, blocked with a better proposal, which is then adopted by consent.
    outils = proposal_create(
        group=group,
        acting_user=u["thomas"],
        title="Passer toutes nos listes de diffusion sur un service commercial",
        body="Les listes actuelles tombent en panne ; un service payant serait plus fiable.",
        method=Method.CONSENSUS,
        quorum_rule=QuorumRule.PARTICIPANTS,
        quorum_value=4,
    )
    proposal_open(proposal=outils, acting_user=u["thomas"])
    agree = {"position": "agree"}
    _vote(outils, ctx, {"sophie": agree, "karim": agree, "ines": {"position": "stand_aside"}})
    ballot_block_with_counter_proposal(
        proposal=outils,
        acting_user=u["claire"],
        reason="Nos adresses partiraient chez un service qui revend les données.",
        title="Héberger nos listes chez un hébergeur associatif",
        body="Confier les listes à un membre du collectif CHATONS de la région.",
        method=Method.CONSENT,
    )
    proposal_close(proposal=outils, acting_user=u["thomas"])
    counter = Proposal.objects.get(counters=outils)
    proposal_open(proposal=counter, acting_user=u["claire"])
    _vote(
        counter,
        ctx,
        {
            "thomas": {"position": "agree"},
            "sophie": {"position": "no_objection"},
            "karim": {"position": "agree"},
            "lea": {"position": "no_objection"},
        },
    )
    proposal_close(proposal=counter, acting_user=u["sophie"])
    Proposal.objects.filter(pk=counter.pk).update(
        review_on=timezone.localdate() + timedelta(days=180)
    )

    # Open: consent on the Agora's rhythm, and a majority-judgment poll.
    rythme = proposal_create(
        group=group,
        acting_user=u["sophie"],
        title="Tenir l'Agora le premier jeudi de chaque mois",
        body="Même lieu, **18 h 30 – 21 h**, avec une salle en visio pour les plus éloignés.",
        method=Method.CONSENT,
        closes_at=timezone.now() + timedelta(days=5),
    )
    proposal_open(proposal=rythme, acting_user=u["sophie"])
    _vote(rythme, ctx, {"thomas": {"position": "agree"}, "lea": {"position": "no_objection"}})

    theme = proposal_create(
        group=group,
        acting_user=u["lea"],
        title="Thème des rencontres régionales 2027",
        body="Donnez une mention à chaque thème.",
        method=Method.JUDGMENT,
        options=[
            "Se nourrir localement",
            "Coopératives de plateformes",
            "Monnaies locales",
            "Habitat participatif",
        ],
        closes_at=timezone.now() + timedelta(days=9),
    )
    proposal_open(proposal=theme, acting_user=u["lea"])
    ids = [str(pk) for pk in theme.options.values_list("pk", flat=True)]
    grades = {
        "lea": [6, 4, 3, 2],
        "sophie": [5, 5, 2, 3],
        "karim": [6, 3, 4, 1],
        "ines": [4, 6, 2, 2],
        "julien": [3, 4, 5, 4],
    }
    _vote(theme, ctx, {k: {"grades": dict(zip(ids, g, strict=True))} for k, g in grades.items()})


def _federation_date(ctx: DemoContext) -> None:
    group, u = ctx.groups["federation-circuits-courts"], ctx.users
    fete = proposal_create(
        group=group,
        acting_user=u["karim"],
        title="Date de la fête des AMAP",
        body="Classez les dates, de la préférée (1) à la moins souhaitée.",
        method=Method.SCHULZE,
        options=["Samedi 5 juin", "Dimanche 13 juin", "Samedi 19 juin"],
    )
    proposal_open(proposal=fete, acting_user=u["karim"])
    a, b, c = (str(pk) for pk in fete.options.values_list("pk", flat=True))
    _vote(
        fete,
        ctx,
        {
            "karim": {"ranking": {a: 1, b: 2, c: 3}},
            "ines": {"ranking": {b: 1, a: 2, c: 3}},
            "fatima": {"ranking": {b: 1, c: 2, a: 3}},
            "bernard": {"ranking": {a: 1, c: 2, b: 3}},
            "martine": {"ranking": {b: 1, a: 2, c: 3}},
        },
    )
    proposal_close(proposal=fete, acting_user=u["karim"])


def _scic_colleges(ctx: DemoContext) -> None:
    group, u = ctx.groups["scic-energies-flandres"], ctx.users
    julien = u["julien"]
    colleges = colleges_set(
        group=group,
        acting_user=julien,
        colleges=[
            {"name": "Producteurs", "weight": 40, "description": "Salariés et installateurs"},
            {"name": "Usagers", "weight": 30, "description": "Foyers qui consomment"},
            {"name": "Collectivités", "weight": 20, "description": "Communes partenaires"},
            {"name": "Soutiens", "weight": 10, "description": "Épargnants solidaires"},
        ],
    )
    by_name = {c.name: c for c in colleges}
    for key, college in [
        ("julien", "Producteurs"),
        ("olivier", "Producteurs"),
        ("bernard", "Usagers"),
        ("marie", "Usagers"),
        ("aurelie", "Collectivités"),
    ]:
        college_assign(group=group, acting_user=julien, user=u[key], college=by_name[college])
    toiture = proposal_create(
        group=group,
        acting_user=u["olivier"],
        title="Financer la toiture solaire de l'école Jean-Bart",
        body="96 kWc, 118 000 € dont 40 % en épargne citoyenne.",
        method=Method.QUALIFIED,
        settings={"threshold": "2/3"},
        weighted=True,
    )
    proposal_open(proposal=toiture, acting_user=u["olivier"])
    yes = {"position": "yes"}
    _vote(
        toiture,
        ctx,
        {
            "julien": yes,
            "olivier": yes,
            "bernard": yes,
            "marie": {"position": "no"},
            "aurelie": yes,
        },
    )
    proposal_close(proposal=toiture, acting_user=julien)


def _amap_weppes(ctx: DemoContext) -> None:
    group, u = ctx.groups["amap-des-weppes"], ctx.users
    martine = u["martine"]
    delai = proposal_create(
        group=group,
        acting_user=martine,
        title="Clore l'ordre du jour dix jours avant l'assemblée",
        body="Sept jours ne suffisent pas pour prévenir les producteurs.",
        method=Method.CONSENT,
        motion_type="governance.change_setting",
        motion_data={"setting": "agenda_cutoff_days", "value": 10},
    )
    proposal_open(proposal=delai, acting_user=martine)
    ok = {"position": "no_objection"}
    _vote(delai, ctx, {"lea": ok, "claire": {"position": "agree"}, "nadia": ok})
    proposal_close(proposal=delai, acting_user=martine)

    invites = proposal_create(
        group=group,
        acting_user=u["claire"],
        title="Quels producteurs inviter cette saison ?",
        body="Répartissez vos cinq gommettes.",
        method=Method.DOTS,
        settings={"dots": 5},
        options=["Fromagerie du Pévèle", "Miellerie des Weppes", "Brasserie de Fournes"],
        closes_at=timezone.now() + timedelta(days=6),
    )
    proposal_open(proposal=invites, acting_user=u["claire"])
    f, m, b = (str(pk) for pk in invites.options.values_list("pk", flat=True))
    _vote(
        invites,
        ctx,
        {
            "claire": {"dots": {f: 3, m: 2}},
            "lea": {"dots": {m: 4, b: 1}},
            "bernard": {"dots": {f: 1, m: 1, b: 3}},
        },
    )
