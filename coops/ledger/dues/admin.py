"""Dues in the admin: shown, never edited. Plans, declarations and dues change only
through the dues services (the pages), which keep the ledger and audit in step."""

from django.contrib import admin

from ..admin import ReadOnlyMixin
from .models import Dues, DuesBracket, DuesDeclaration, DuesPlan


class DuesBracketInline(ReadOnlyMixin, admin.TabularInline):
    model = DuesBracket
    fields = ["position", "label", "amount", "is_default"]
    readonly_fields = fields
    extra = 0


@admin.register(DuesPlan)
class DuesPlanAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["name", "group", "period", "pricing", "amount", "start_date", "is_active"]
    list_filter = ["period", "pricing", "is_active"]
    search_fields = ["name", "group__name", "group__slug"]
    list_select_related = ["group"]
    inlines = [DuesBracketInline]


@admin.register(DuesBracket)
class DuesBracketAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["label", "plan", "amount", "position", "is_default"]
    search_fields = ["label", "plan__name"]
    list_select_related = ["plan"]


@admin.register(DuesDeclaration)
class DuesDeclarationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["member", "plan", "bracket", "declared_by", "updated_at"]
    search_fields = ["member__email", "member__display_name", "plan__name"]
    list_select_related = ["member", "plan", "bracket", "declared_by"]


@admin.register(Dues)
class DuesAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["member", "plan", "period_start", "amount", "currency", "status", "due_on"]
    list_filter = ["status", "period", "currency"]
    search_fields = ["member__email", "member__display_name", "plan__name", "group__slug"]
    list_select_related = ["member", "plan"]
    raw_id_fields = ["transaction", "payment"]
    date_hierarchy = "period_start"
