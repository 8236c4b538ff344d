"""Named permission rules for worker-owned services, registered with core.permissions.

The rules and their history are public. Any signed-in person may ask the federation
for a job (customers are members or businesses, not necessarily in the federation).
Active members register as workers; organisers and dispatchers run dispatch and
check documents. A worker sees only their own jobs and earnings; members see the
federation's anonymous aggregates, organisers the per-worker table.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from coops.core.permissions import rule
from coops.groups.models import Group, ModuleRole
from coops.groups.permissions import is_member, is_organiser, membership_of


def is_dispatcher(user, group: Group) -> bool:
    if is_organiser(user, group):
        return True
    membership = membership_of(user, group)
    if membership is None or not is_member(user, group):
        return False
    return ModuleRole.objects.filter(
        membership=membership, module="ondemand", role="dispatcher"
    ).exists()


@rule("ondemand.request", _("Sign in to ask for a job."))
def _request(user, group: Group) -> bool:
    return bool(getattr(user, "is_authenticated", False))


@rule("ondemand.work", _("Only the federation's active members can work through it."))
def _work(user, group: Group) -> bool:
    return is_member(user, group)


@rule("ondemand.view_federation", _("Only the federation's members can see its dashboard."))
def _view_federation(user, group: Group) -> bool:
    return is_member(user, group)


@rule("ondemand.dispatch", _("Only the federation's organisers and dispatchers can dispatch."))
def _dispatch(user, group: Group) -> bool:
    return is_dispatcher(user, group)


@rule("ondemand.organise", _("Only the federation's organisers can do this."))
def _organise(user, group: Group) -> bool:
    return is_organiser(user, group)
