"""Invitations by email, valid for 14 days."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from coops.core import hooks
from coops.core.audit import event_record
from coops.core.mail import mail_after_commit

from ..models import (
    ROLE_RANK,
    Group,
    Invitation,
    Membership,
    MembershipStatus,
    Role,
)
from ._base import (
    _forget,
    _require_admin,
    _require_organiser,
    _save,
    lock_group,
)
from .memberships import _reset

INVITATION_LIFETIME = timedelta(days=14)

# --- Invitations -------------------------------------------------------------------------


def invitation_url(invitation: Invitation) -> str:
    path = reverse("groups:invitation", kwargs={"token": invitation.token})
    return f"{settings.SITE_URL}{path}"


def _send_invitation(invitation: Invitation, acting_user) -> None:
    invitee = get_user_model().objects.filter(email__iexact=invitation.email).first()
    language = invitee.language if invitee else translation.get_language()
    with translation.override(language):
        params = {
            "inviter": acting_user.public_name,
            "group": invitation.group.name,
            "role": invitation.get_role_display(),
            "url": invitation_url(invitation),
            "expires": timezone.localtime(invitation.expires_at).strftime("%d/%m/%Y"),
            "site": settings.SITE_NAME,
        }
        subject = _("Invitation to join %(group)s") % params
        body = (
            _(
                "Hello,\n\n%(inviter)s invites you to join the group “%(group)s” on %(site)s "
                "as %(role)s.\n\nTo accept, open this link (valid until %(expires)s):\n"
                "%(url)s\n\nIf you do not know this group, you can ignore this message.\n"
            )
            % params
        )
    mail_after_commit(subject=subject, body=body, to=[invitation.email])


def invitation_create(*, group: Group, email: str, role: str, acting_user) -> Invitation:
    """An organiser invites someone by email; the link is valid for 14 days."""
    email = email.strip().lower()
    with transaction.atomic():
        group = lock_group(group)
        _require_organiser(acting_user, group)
        if role == Role.ADMIN:
            _require_admin(
                acting_user, group, _("Only administrators can invite an administrator.")
            )
        if Membership.objects.active().filter(group=group, user__email__iexact=email).exists():
            raise ValidationError({"email": _("This person is already a member of the group.")})
        if Invitation.objects.pending().filter(group=group, email__iexact=email).exists():
            raise ValidationError(
                {"email": _("An invitation to this address is already waiting for an answer.")}
            )
        invitation = Invitation(
            group=group,
            email=email,
            role=role,
            token=secrets.token_urlsafe(32),
            invited_by=acting_user,
            expires_at=timezone.now() + INVITATION_LIFETIME,
        )
        _save(invitation)
        event_record(
            actor=acting_user,
            verb="group.invitation_created",
            target=group,
            invitation=invitation,
            role=role,
        )
        _send_invitation(invitation, acting_user)
    return invitation


def _check_usable(invitation: Invitation) -> None:
    if invitation.is_accepted:
        raise ValidationError(_("This invitation has already been used."))
    if invitation.is_revoked:
        raise ValidationError(_("This invitation has been withdrawn by the group's organisers."))
    if invitation.is_expired:
        raise ValidationError(
            _("This invitation has expired. Ask the group's organisers for a new one.")
        )


def invitation_accept(*, invitation: Invitation, acting_user) -> Membership:
    """The signed-in user accepts: they become a member with the invited role.

    The token is the proof of invitation, so the account's email may differ from
    the invited address. An existing member keeps the higher of the two roles.
    """
    with transaction.atomic():
        group = lock_group(invitation.group_id)
        inv = Invitation.objects.select_for_update().get(pk=invitation.pk)
        _check_usable(inv)
        m = Membership.objects.select_for_update().filter(group=group, user=acting_user).first()
        event, old_role = "group.member_joined", None
        if m is not None and m.is_active:
            event, old_role = "group.role_changed", m.role
            if ROLE_RANK[inv.role] <= ROLE_RANK[m.role]:
                event = None
            else:
                m.role = inv.role
        else:
            m = m or Membership(group=group, user=acting_user)
            _reset(m, status=MembershipStatus.ACTIVE, role=inv.role)
            m.decided_by, m.decided_at = inv.invited_by, timezone.now()
        _save(m)
        inv.accepted_at, inv.accepted_by = timezone.now(), acting_user
        _save(inv)
        event_record(
            actor=acting_user,
            verb="group.invitation_accepted",
            target=group,
            invitation=inv,
            membership=m,
            role=m.role,
        )
        if event == "group.member_joined":
            hooks.emit(event, membership=m, acting_user=acting_user)
        elif event == "group.role_changed":
            hooks.emit(event, membership=m, old_role=old_role, acting_user=acting_user)
    _forget(acting_user)
    return m


def invitation_revoke(*, invitation: Invitation, acting_user) -> Invitation:
    """An organiser withdraws an invitation that has not been used yet."""
    with transaction.atomic():
        group = lock_group(invitation.group_id)
        _require_organiser(acting_user, group)
        inv = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if inv.is_accepted:
            raise ValidationError(_("This invitation has already been used."))
        if inv.is_revoked:
            raise ValidationError(_("This invitation has already been withdrawn."))
        inv.revoked_at = timezone.now()
        _save(inv)
        event_record(
            actor=acting_user, verb="group.invitation_revoked", target=group, invitation=inv
        )
    return inv
