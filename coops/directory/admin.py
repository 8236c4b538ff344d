from django.contrib import admin
from django.db import models

from .models import (
    Actor,
    ActorChange,
    ActorReport,
    ImportJob,
    ImportRowError,
    Label,
    ModerationDecision,
    ModerationSettings,
    ModerationVote,
    Sector,
    Skill,
    Tag,
)


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["path", "name", "name_en", "depth"]
    search_fields = ["name", "name_en", "path"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "commission"]
    search_fields = ["name", "name_en"]
    autocomplete_fields = ["commission"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Label, Tag)
class TermAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "slug"]
    search_fields = ["name", "name_en"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Actor)
class ActorAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "legal_form", "city", "department", "status", "geocode_status"]
    list_filter = ["status", "kind", "legal_form", "geocode_status"]
    search_fields = ["name", "siret", "city", "postcode", "email"]
    autocomplete_fields = ["sectors", "skills", "labels", "tags", "owners", "group"]
    readonly_fields = ["search_text", "created_at", "updated_at", "published_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(ModerationSettings)
class ModerationSettingsAdmin(admin.ModelAdmin):
    """The one row of moderation thresholds: edited, never added twice nor deleted."""

    list_display = ["__str__", "votes_to_publish", "votes_to_reject", "freshness_months"]

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and not ModerationSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        ModerationSettings.current()  # the row exists once anyone looks at it
        return super().changelist_view(request, extra_context)


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the directory's services (decisions, opinions, changes, imports):
    shown to the staff, changed only through the pages that keep their rules."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ModerationVote)
class ModerationVoteAdmin(_ReadOnlyAdmin):
    list_display = ["actor", "voter", "choice", "created_at"]
    list_filter = ["choice"]
    search_fields = ["actor__name", "voter__email"]
    list_select_related = ["actor", "voter"]


@admin.register(ModerationDecision)
class ModerationDecisionAdmin(_ReadOnlyAdmin):
    list_display = ["actor", "outcome", "decided_by", "created_at"]
    list_filter = ["outcome"]
    search_fields = ["actor__name", "reason"]
    list_select_related = ["actor", "decided_by"]


@admin.register(ActorReport)
class ActorReportAdmin(_ReadOnlyAdmin):
    list_display = ["actor", "reason", "status", "reporter", "created_at", "handled_at"]
    list_filter = ["status", "reason"]
    search_fields = ["actor__name", "comment", "reporter_email"]
    list_select_related = ["actor", "reporter"]


@admin.register(ActorChange)
class ActorChangeAdmin(_ReadOnlyAdmin):
    list_display = ["actor", "status", "proposed_by", "created_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["actor__name"]
    list_select_related = ["actor", "proposed_by"]


class ImportRowErrorInline(admin.TabularInline):
    model = ImportRowError
    extra = 0
    can_delete = False
    fields = ["row_number", "source_id", "field", "value", "message", "dry_run"]
    readonly_fields = fields
    max_num = 0


@admin.register(ImportJob)
class ImportJobAdmin(_ReadOnlyAdmin):
    list_display = ["source", "format", "status", "total_rows", "processed_rows", "created_at"]
    list_filter = ["status", "format"]
    search_fields = ["source", "filename"]
    inlines = [ImportRowErrorInline]


@admin.register(ImportRowError)
class ImportRowErrorAdmin(_ReadOnlyAdmin):
    list_display = ["job", "row_number", "field", "message", "dry_run"]
    list_filter = ["dry_run"]
    list_select_related = ["job"]
