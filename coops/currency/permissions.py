"""Named permission rules for the currency pages, registered with core.permissions.

Active members of a group use its currency: they pay, ask for payments and list
offers and wants. Organisers (and administrators) set the currency up, change
account limits and edit any offer; an offer's author edits their own.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from coops.core.permissions import rule
from coops.groups.models import Group
from coops.groups.permissions import is_member, is_organiser

from .models import Offer


@rule("currency.use", _("Only the group's members use its local currency."))
def _use(user, group: Group) -> bool:
    return is_member(user, group)


@rule("currency.manage", _("Only the group's organisers manage its local currency."))
def _manage(user, group: Group) -> bool:
    return is_organiser(user, group)


@rule(
    "currency.edit_offer",
    _("Only its author and the group's organisers can change this offer or want."),
)
def _edit_offer(user, offer: Offer) -> bool:
    group = offer.currency.group
    if offer.author_id == user.pk and is_member(user, group):
        return True
    return is_organiser(user, group)
