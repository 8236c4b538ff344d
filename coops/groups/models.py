"""Groups are spaces: a tree of networks, federations, commissions, local groups,
AMAPs and SCICs, each with members holding roles and the modules it turns on."""

from __future__ import annotations

import zoneinfo
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coops.core.models import TimeStampedModel


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


# Paths under /g/ that are not groups.
RESERVED_SLUGS = frozenset({"new", "invitations"})


def validate_slug_not_reserved(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(_("This short name is reserved; choose another one."))


class GroupKind(models.TextChoices):
    NETWORK = "network", _("Network")
    FEDERATION = "federation", _("Federation")
    COMMISSION = "commission", _("Commission")
    LOCAL = "local", _("Local group")
    FOOD_HUB = "food_hub", _("AMAP / food hub")
    SCIC = "scic", _("SCIC")
    WORKING_GROUP = "working_group", _("Working group")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("Members only")


class JoinPolicy(models.TextChoices):
    OPEN = "open", _("Open: anyone can join")
    REQUEST = "request", _("On request: an organiser accepts")
    INVITE = "invite", _("By invitation only")


class GroupQuerySet(models.QuerySet):
    def visible_to(self, user) -> GroupQuerySet:
        """Public groups, plus members-only groups the user belongs to."""
        if user is None or not user.is_authenticated:
            return self.filter(visibility=Visibility.PUBLIC)
        if user.is_superuser:
            return self
        # A subquery, not a join: callers can annotate counts without duplicates or DISTINCT.
        member_of = Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE)
        return self.filter(
            models.Q(visibility=Visibility.PUBLIC) | models.Q(pk__in=member_of.values("group_id"))
        )


class Group(TimeStampedModel):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(
        _("short name in URLs"), max_length=80, unique=True, validators=[validate_slug_not_reserved]
    )
    kind = models.CharField(_("kind"), max_length=20, choices=GroupKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    description = models.TextField(_("description"), blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    join_policy = models.CharField(
        _("joining"), max_length=10, choices=JoinPolicy.choices, default=JoinPolicy.REQUEST
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=settings.COOPS_DEFAULT_TIME_ZONE,
        validators=[validate_time_zone],
    )
    city = models.CharField(_("city"), max_length=120, blank=True)

    objects = GroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="groups_group_not_own_parent"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=GroupKind.values), name="groups_group_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(visibility__in=Visibility.values),
                name="groups_group_visibility_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(join_policy__in=JoinPolicy.values),
                name="groups_group_join_policy_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The group's time zone: its members read and type times in it."""
        return zoneinfo.ZoneInfo(self.time_zone)

    def today(self) -> date:
        """Today in the group's time zone."""
        return timezone.localdate(timezone=self.zone)

    def get_absolute_url(self) -> str:
        return reverse("groups:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        # A parent chain must never loop back to this group.
        seen = {self.pk} if self.pk else set()
        node = self.parent
        while node is not None:
            if node.pk in seen:
                raise ValidationError({"parent": _("A group cannot be inside itself.")})
            seen.add(node.pk)
            node = node.parent


class GroupModule(models.Model):
    """A module turned on for a group. Absent row = module off."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="module_rows")
    module = models.CharField(_("module"), max_length=40)
    enabled_at = models.DateTimeField(_("enabled at"), auto_now_add=True)
    enabled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("group module")
        verbose_name_plural = _("group modules")
        constraints = [
            models.UniqueConstraint(fields=["group", "module"], name="groups_module_once_per_group")
        ]

    def __str__(self) -> str:
        return f"{self.group} · {self.module}"


class Role(models.TextChoices):
    MEMBER = "member", _("Member")
    ORGANISER = "organiser", _("Organiser")
    ADMIN = "admin", _("Administrator")


ROLE_RANK = {Role.MEMBER: 0, Role.ORGANISER: 1, Role.ADMIN: 2}


class MembershipStatus(models.TextChoices):
    PENDING = "pending", _("Asked to join")
    ACTIVE = "active", _("Member")
    REFUSED = "refused", _("Request refused")
    LEFT = "left", _("Left")


class MembershipQuerySet(models.QuerySet):
    def active(self) -> MembershipQuerySet:
        return self.filter(status=MembershipStatus.ACTIVE)

    def pending(self) -> MembershipQuerySet:
        return self.filter(status=MembershipStatus.PENDING)

    def organisers(self) -> MembershipQuerySet:
        return self.active().filter(role__in=[Role.ORGANISER, Role.ADMIN])


class Membership(TimeStampedModel):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MembershipStatus.choices,
        default=MembershipStatus.ACTIVE,
    )
    joined_at = models.DateTimeField(_("joined at"), null=True, blank=True)
    request_message = models.TextField(_("message to the organisers"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="groups_membership_once"),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="groups_membership_role_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=MembershipStatus.values),
                name="groups_membership_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["group", "status", "role"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.group} ({self.get_role_display()})"

    @property
    def is_active(self) -> bool:
        return self.status == MembershipStatus.ACTIVE

    @property
    def is_organiser(self) -> bool:
        return self.is_active and self.role in (Role.ORGANISER, Role.ADMIN)


class ModuleRole(models.Model):
    """A role a module adds (e.g. producer, worker), held by an active membership."""

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="module_roles"
    )
    module = models.CharField(max_length=40)
    role = models.CharField(max_length=40)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("module role")
        verbose_name_plural = _("module roles")
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "module", "role"], name="groups_module_role_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.membership} · {self.module}:{self.role}"


class InvitationQuerySet(models.QuerySet):
    def pending(self) -> InvitationQuerySet:
        """Neither accepted nor revoked, and not yet expired."""
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    token = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="groups_invitation_role_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(accepted_at__isnull=True) | models.Q(revoked_at__isnull=True),
                name="groups_invitation_not_accepted_and_revoked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.group}"

    @property
    def is_accepted(self) -> bool:
        return self.accepted_at is not None

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_pending(self) -> bool:
        return not (self.is_accepted or self.is_revoked or self.is_expired)
