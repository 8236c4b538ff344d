"""Creating and configuring groups, their modules and module roles."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coops.core.audit import event_record

from ..models import (
    Group,
    GroupModule,
    JoinPolicy,
    Membership,
    ModuleRole,
    Role,
    Visibility,
)
from ..modules import default_modules
from ._base import (
    _forget,
    _lock_membership,
    _registered,
    _require_admin,
    _require_organiser,
    _save,
    lock_group,
)

GROUP_FIELDS = ("name", "description", "visibility", "join_policy", "time_zone", "city")

# --- Groups and modules ------------------------------------------------------------------


def group_create(
    *,
    acting_user,
    name: str,
    slug: str,
    kind: str,
    parent: Group | None = None,
    description: str = "",
    visibility: str = Visibility.PUBLIC,
    join_policy: str = JoinPolicy.REQUEST,
    time_zone: str = settings.COOPS_DEFAULT_TIME_ZONE,
    city: str = "",
) -> Group:
    """Create a group; its creator becomes its first administrator.

    Who may create it (organisers of `parent`, staff for a top-level group) is
    checked by the caller with `require(user, "group.create_subgroup", parent)`.
    """
    with transaction.atomic():
        group = Group(
            name=name,
            slug=slug,
            kind=kind,
            parent=parent,
            description=description,
            visibility=visibility,
            join_policy=join_policy,
            time_zone=time_zone,
            city=city,
        )
        _save(group)
        now = timezone.now()
        Membership.objects.create(
            group=group, user=acting_user, role=Role.ADMIN, joined_at=now, decided_at=now
        )
        GroupModule.objects.bulk_create(
            GroupModule(group=group, module=m.name, enabled_by=acting_user)
            for m in default_modules(kind)
        )
        event_record(actor=acting_user, verb="group.created", target=group, parent=parent)
    _forget(acting_user)
    return group


def group_update(*, group: Group, acting_user, **fields: Any) -> Group:
    """Change a group's settings (administrators only); records before/after."""
    unknown = set(fields) - set(GROUP_FIELDS)
    if unknown:
        raise TypeError(f"group_update() cannot change {sorted(unknown)}")
    with transaction.atomic():
        group = lock_group(group)
        _require_admin(acting_user, group)
        changes = {k: [getattr(group, k), v] for k, v in fields.items() if getattr(group, k) != v}
        for key, (_before, after) in changes.items():
            setattr(group, key, after)
        _save(group)
        if changes:
            event_record(actor=acting_user, verb="group.updated", target=group, changes=changes)
    return group


def group_module_enable(*, group: Group, module: str, acting_user) -> GroupModule:
    """Turn a registered module on for a group (administrators only); idempotent."""
    spec = _registered(module)
    with transaction.atomic():
        group = lock_group(group)
        _require_admin(acting_user, group)
        if spec.kinds and group.kind not in spec.kinds:
            raise ValidationError(
                _("The module “%(module)s” does not suit this kind of group."),
                params={"module": spec.label},
            )
        row, created = GroupModule.objects.get_or_create(
            group=group, module=module, defaults={"enabled_by": acting_user}
        )
        if created:
            event_record(
                actor=acting_user, verb="group.module_enabled", target=group, module=module
            )
    return row


def group_module_disable(*, group: Group, module: str, acting_user) -> None:
    """Turn a module off (administrators only). Module roles are kept for a re-enable."""
    with transaction.atomic():
        group = lock_group(group)
        _require_admin(acting_user, group)
        rows = GroupModule.objects.filter(group=group, module=module)
        if not rows.exists():
            _registered(module)
            return
        rows.delete()
        event_record(actor=acting_user, verb="group.module_disabled", target=group, module=module)


def group_set_modules(*, group: Group, modules: set[str], acting_user) -> None:
    """Make exactly `modules` enabled for the group."""
    with transaction.atomic():
        group = lock_group(group)
        _require_admin(acting_user, group)
        current = set(GroupModule.objects.filter(group=group).values_list("module", flat=True))
        for name in sorted(modules - current):
            group_module_enable(group=group, module=name, acting_user=acting_user)
        for name in sorted(current - modules):
            group_module_disable(group=group, module=name, acting_user=acting_user)


def group_configure(*, group: Group, acting_user, modules: set[str], **fields: Any) -> Group:
    """Save the settings page at once: group fields and the set of enabled modules."""
    with transaction.atomic():
        group = group_update(group=group, acting_user=acting_user, **fields)
        group_set_modules(group=group, modules=modules, acting_user=acting_user)
    return group


# --- Module roles ------------------------------------------------------------------------


def _module_role_check(group: Group, module: str, role: str) -> None:
    spec = _registered(module)
    if not GroupModule.objects.filter(group=group, module=module).exists():
        raise ValidationError(
            _("The module “%(module)s” is not enabled for this group."),
            params={"module": spec.label},
        )
    if role not in spec.roles:
        raise ValidationError(
            _("The module “%(module)s” has no role “%(role)s”."),
            params={"module": spec.label, "role": role},
        )


def module_role_grant(*, membership: Membership, module: str, role: str, acting_user) -> ModuleRole:
    """Give an active member a role declared by a module the group has enabled."""
    with transaction.atomic():
        group = lock_group(membership.group_id)
        _require_organiser(acting_user, group)
        _module_role_check(group, module, role)
        m = _lock_membership(membership, group)
        if not m.is_active:
            raise ValidationError(_("This person is not a member of this group."))
        row, created = ModuleRole.objects.get_or_create(membership=m, module=module, role=role)
        if created:
            event_record(
                actor=acting_user,
                verb="group.module_role_granted",
                target=group,
                membership=m,
                module=module,
                role=role,
            )
    return row


def module_role_revoke(*, membership: Membership, module: str, role: str, acting_user) -> None:
    """Take a module role away from a member."""
    with transaction.atomic():
        group = lock_group(membership.group_id)
        _require_organiser(acting_user, group)
        deleted, _rows = ModuleRole.objects.filter(
            membership=membership, module=module, role=role
        ).delete()
        if not deleted:
            raise ValidationError(_("This member does not hold that role."))
        event_record(
            actor=acting_user,
            verb="group.module_role_revoked",
            target=group,
            membership=membership,
            module=module,
            role=role,
        )
