"""Writes for groups: groups, memberships, module roles and invitations.

Every service runs in one transaction, validates with full_clean() and the
database constraints, records an audit event and returns what it changed.
Authorisation rules that belong to the domain (only admins grant admin, the last
admin cannot go) are enforced here, so views and the API share them; views still
call `require()` first for the page-level rule.

Every change to a group's memberships first locks the group row (`lock_group`), so
two concurrent demotions cannot both see "another admin remains".

Hooks emitted (coops.core.hooks), inside the transaction, after the change:

- ``group.join_requested`` (membership, acting_user): someone asked to join a group
  on request; notify its organisers.
- ``group.member_joined`` (membership, acting_user): a membership became active
  (open join, accepted request or accepted invitation).
- ``group.request_decided`` (membership, accepted: bool, reason: str, acting_user):
  an organiser accepted or refused a request; notify the requester.
- ``group.role_changed`` (membership, old_role, acting_user): a member's role changed.
- ``group.member_left`` (membership, acting_user): a member left on their own.
- ``group.member_removed`` (membership, acting_user): an organiser removed a member.
"""

from ._base import lock_group
from .groups import (
    GROUP_FIELDS,
    group_configure,
    group_create,
    group_module_disable,
    group_module_enable,
    group_set_modules,
    group_update,
    module_role_grant,
    module_role_revoke,
)
from .invitations import (
    INVITATION_LIFETIME,
    invitation_accept,
    invitation_create,
    invitation_revoke,
    invitation_url,
)
from .memberships import (
    membership_accept,
    membership_admit_by_decision,
    membership_change_role,
    membership_exclude_by_decision,
    membership_join,
    membership_leave,
    membership_refuse,
    membership_remove,
)

__all__ = [
    "GROUP_FIELDS",
    "INVITATION_LIFETIME",
    "group_configure",
    "group_create",
    "group_module_disable",
    "group_module_enable",
    "group_set_modules",
    "group_update",
    "invitation_accept",
    "invitation_create",
    "invitation_revoke",
    "invitation_url",
    "lock_group",
    "membership_accept",
    "membership_admit_by_decision",
    "membership_change_role",
    "membership_exclude_by_decision",
    "membership_join",
    "membership_leave",
    "membership_refuse",
    "membership_remove",
    "module_role_grant",
    "module_role_revoke",
]
