"""Proxies (procurations) and colleges (SCIC stakeholder categories)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coops.core.audit import event_record
from coops.groups.models import Membership, MembershipStatus
from coops.groups.services import lock_group

from ..models import Ballot, College, CollegeMember, Proxy
from ..models.settings import COLLEGE_MAX_WEIGHT, COLLEGE_MIN_WEIGHT
from ._base import governance_of, lock_objects


def _is_active_member(group, user) -> bool:
    return Membership.objects.filter(
        group=group, user=user, status=MembershipStatus.ACTIVE
    ).exists()


def _scope(assembly, proposal) -> Q:
    return Q(assembly=assembly) if assembly is not None else Q(proposal=proposal)


def proxy_give(*, group, acting_user: Any, holder: Any, assembly=None, proposal=None) -> Proxy:
    """The acting member gives their vote to `holder` for one assembly or one proposal.

    Refused, with nothing written: giver or holder not an active member; giving to
    oneself; a scope of another group; a chain (the holder gave their own vote for this
    scope, or the giver holds someone's); a holder already carrying the group's limit
    (`max_proxies`, default 1); a second proxy for the same scope. Serialised on the group
    row, so two simultaneous gifts cannot both take a holder's last place."""
    if (assembly is None) == (proposal is None):
        raise ValueError("a proxy is for one assembly or one proposal")
    scope_obj = assembly or proposal
    if scope_obj.group_id != group.pk:
        raise ValidationError(_("This vote belongs to another group."), code="scope")
    if holder == acting_user:
        raise ValidationError(_("You cannot give your vote to yourself."), code="self")
    with transaction.atomic():
        group = lock_group(group)
        if not _is_active_member(group, acting_user):
            raise ValidationError(_("Only members can give their vote."), code="giver")
        if not _is_active_member(group, holder):
            raise ValidationError(
                _("%(name)s is not a member of this group.") % {"name": holder}, code="holder"
            )
        active = Proxy.objects.filter(_scope(assembly, proposal), withdrawn_at__isnull=True)
        if active.filter(giver=acting_user).exists():
            raise ValidationError(
                _("You have already given your vote for this; withdraw that proxy first."),
                code="twice",
            )
        if active.filter(giver=holder).exists():
            raise ValidationError(
                _("%(name)s has given their own vote to someone else: proxies do not chain.")
                % {"name": holder},
                code="chain",
            )
        if active.filter(holder=acting_user).exists():
            raise ValidationError(
                _("You hold another member's vote: proxies do not chain."), code="chain"
            )
        limit = governance_of(group).max_proxies
        if active.filter(holder=holder).count() >= limit:
            raise ValidationError(
                ngettext(
                    "%(name)s already holds %(limit)s proxy, the group's limit.",
                    "%(name)s already holds %(limit)s proxies, the group's limit.",
                    limit,
                )
                % {"name": holder, "limit": limit},
                code="limit",
            )
        proxy = Proxy(
            group=group, giver=acting_user, holder=holder, assembly=assembly, proposal=proposal
        )
        try:
            with transaction.atomic():
                proxy.save()
        except IntegrityError:
            raise ValidationError(
                _("You have already given your vote for this."), code="twice"
            ) from None
        event_record(
            actor=acting_user,
            verb="governance.proxy_given",
            target=proxy,
            holder=holder.pk,
            assembly=assembly.pk if assembly else None,
            proposal=proposal.pk if proposal else None,
        )
    return proxy


def proxy_withdraw(*, proxy: Proxy, acting_user: Any) -> Proxy:
    """The giver takes their vote back, unless the holder has already voted with it."""
    with transaction.atomic():
        lock_group(proxy.group_id)
        proxy = lock_objects(Proxy, proxy.pk)
        if proxy.giver_id != acting_user.pk:
            raise ValidationError(_("Only the member who gave this proxy can withdraw it."))
        if proxy.withdrawn_at is not None:
            raise ValidationError(_("This proxy is already withdrawn."), code="withdrawn")
        if Ballot.objects.filter(proxy=proxy).exists():
            raise ValidationError(
                _("%(name)s has already voted with this proxy: it can no longer be withdrawn.")
                % {"name": proxy.holder},
                code="used",
            )
        proxy.withdrawn_at = timezone.now()
        proxy.save(update_fields=["withdrawn_at", "updated_at"])
        event_record(actor=acting_user, verb="governance.proxy_withdrawn", target=proxy)
    return proxy


# --- Colleges ----------------------------------------------------------------------------------


def colleges_set(*, group, acting_user: Any, colleges: Iterable[Mapping]) -> list[College]:
    """Replace the group's colleges with `colleges` (name, weight %, description).

    Guarantees: each weight between 10 and 50 %, the weights summing to exactly 100 %,
    names distinct; a college kept by name keeps its members; nothing is written when
    anything is refused. An empty list removes the colleges (allowed only when no open
    proposal is weighted)."""
    rows = [
        {
            "name": str(c.get("name", "")).strip(),
            "weight": c.get("weight"),
            "description": str(c.get("description", "")).strip(),
        }
        for c in colleges
    ]
    errors = []
    for row in rows:
        if not row["name"]:
            errors.append(_("Every college needs a name."))
        weight = row["weight"]
        if not isinstance(weight, int) or not COLLEGE_MIN_WEIGHT <= weight <= COLLEGE_MAX_WEIGHT:
            errors.append(
                _("The weight of “%(name)s” must be between %(min)s and %(max)s %%.")
                % {"name": row["name"], "min": COLLEGE_MIN_WEIGHT, "max": COLLEGE_MAX_WEIGHT}
            )
    if rows and not errors and sum(r["weight"] for r in rows) != 100:
        errors.append(
            _("The weights add up to %(total)s %%; they must add up to 100 %%.")
            % {"total": sum(r["weight"] for r in rows)}
        )
    if len({r["name"].casefold() for r in rows}) != len(rows):
        errors.append(_("Two colleges have the same name."))
    if errors:
        raise ValidationError(errors, code="colleges")
    with transaction.atomic():
        group = lock_group(group)
        if not rows and group.proposals.filter(status="open", weighted=True).exists():
            raise ValidationError(
                _("A weighted vote is open: the colleges cannot be removed now."), code="open"
            )
        existing = {c.name: c for c in College.objects.filter(group=group)}
        before = {name: c.weight for name, c in existing.items()}
        kept = []
        for position, row in enumerate(rows):
            college = existing.pop(row["name"], None) or College(group=group, name=row["name"])
            college.weight, college.description = row["weight"], row["description"]
            college.position = position
            college.full_clean()
            college.save()
            kept.append(college)
        for college in existing.values():
            college.delete()
        event_record(
            actor=acting_user,
            verb="governance.colleges_set",
            target=group,
            before=before,
            after={c.name: c.weight for c in kept},
        )
    return kept


def college_assign(*, group, acting_user: Any, user: Any, college: College | None) -> None:
    """Put an active member in one college of the group (or in none)."""
    if college is not None and college.group_id != group.pk:
        raise ValidationError(_("This college belongs to another group."), code="college")
    with transaction.atomic():
        group = lock_group(group)
        if not _is_active_member(group, user):
            raise ValidationError(
                _("%(name)s is not a member of this group.") % {"name": user}, code="member"
            )
        CollegeMember.objects.filter(group=group, user=user).delete()
        if college is not None:
            CollegeMember.objects.create(group=group, college=college, user=user)
        event_record(
            actor=acting_user,
            verb="governance.college_assigned",
            target=group,
            user=user.pk,
            college=college.pk if college else None,
        )
