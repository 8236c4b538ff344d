"""Named permission rules for the ledger pages, registered with core.permissions.

Organisers of a group, and members holding the ledger module's "treasurer" role,
keep its books: they record payments, correct them, change limits, export. A
member sees only their own accounts.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from coops.core.permissions import rule
from coops.groups.models import Group, ModuleRole
from coops.groups.permissions import is_member, is_organiser, membership_of

MODULE = "ledger"
TREASURER = "treasurer"


def is_treasurer(user, group: Group) -> bool:
    m = membership_of(user, group)
    if m is None or not m.is_active:
        return False
    cache = user.__dict__.setdefault("_coops_treasurer", {})
    if group.pk not in cache:
        cache[group.pk] = ModuleRole.objects.filter(
            membership=m, module=MODULE, role=TREASURER
        ).exists()
    return cache[group.pk]


@rule("ledger.view_own", _("Only the group's members have an account in its books."))
def _view_own(user, group: Group) -> bool:
    return is_member(user, group)


@rule(
    "ledger.keep_books",
    _("Only the group's organisers and treasurers keep its books."),
)
def _keep_books(user, group: Group) -> bool:
    return is_organiser(user, group) or is_treasurer(user, group)
