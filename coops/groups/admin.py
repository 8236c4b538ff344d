"""Site administration for groups. Day-to-day changes go through the group pages and
their services (which write the audit log); the admin is for support and repair."""

from django.contrib import admin
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Group, GroupModule, Invitation, Membership, MembershipStatus, ModuleRole, Role


class LeadersInline(admin.TabularInline):
    """Only organisers and administrators: a large group's members would not fit a page."""

    model = Membership
    fields = ["user", "role", "status", "joined_at"]
    raw_id_fields = ["user"]
    extra = 0
    verbose_name = _("organiser or administrator")
    verbose_name_plural = _("organisers and administrators (all members: see Memberships)")

    def get_queryset(self, request):
        leaders = Q(role__in=[Role.ORGANISER, Role.ADMIN], status=MembershipStatus.ACTIVE)
        return super().get_queryset(request).filter(leaders).select_related("user")


class GroupModuleInline(admin.TabularInline):
    model = GroupModule
    fields = ["module", "enabled_at", "enabled_by"]
    readonly_fields = ["enabled_at"]
    raw_id_fields = ["enabled_by"]
    extra = 0


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "parent", "visibility", "join_policy", "members"]
    list_filter = ["kind", "visibility", "join_policy"]
    search_fields = ["name", "slug", "city"]
    list_select_related = ["parent"]
    raw_id_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [LeadersInline, GroupModuleInline]

    def get_queryset(self, request):
        active = Q(memberships__status=MembershipStatus.ACTIVE)
        return super().get_queryset(request).annotate(member_count=Count("memberships", active))

    @admin.display(description=_("members"), ordering="member_count")
    def members(self, obj: Group) -> str:
        url = reverse("admin:groups_membership_changelist") + f"?group__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, obj.member_count)


@admin.register(GroupModule)
class GroupModuleAdmin(admin.ModelAdmin):
    list_display = ["group", "module", "enabled_at", "enabled_by"]
    list_filter = ["module"]
    search_fields = ["group__name", "module"]
    list_select_related = ["group", "enabled_by"]
    raw_id_fields = ["group", "enabled_by"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "group", "role", "status", "joined_at", "decided_by"]
    list_filter = ["role", "status", "group__kind"]
    search_fields = ["user__email", "user__display_name", "group__name", "group__slug"]
    list_select_related = ["user", "group", "decided_by"]
    raw_id_fields = ["user", "group", "decided_by"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(ModuleRole)
class ModuleRoleAdmin(admin.ModelAdmin):
    list_display = ["membership", "module", "role", "granted_at"]
    list_filter = ["module", "role"]
    search_fields = ["membership__user__email", "membership__group__name"]
    list_select_related = ["membership__user", "membership__group"]
    raw_id_fields = ["membership"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "group",
        "role",
        "invited_by",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = ["role", ("accepted_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "group__name"]
    list_select_related = ["group", "invited_by"]
    raw_id_fields = ["group", "invited_by", "accepted_by"]
    readonly_fields = ["token", "created_at"]
