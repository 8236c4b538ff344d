from django.contrib import admin

from .models import Event


class ReadOnlyMixin:
    """For models written only by services (rows locks, audit events, the ledger): the
    admin shows them and never adds, changes or deletes."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The audit log, read-only: events are written by services, never edited."""

    list_display = ("created_at", "verb", "actor", "target_type", "target_id")
    list_filter = ("verb", "target_type")
    search_fields = ("verb", "target_id", "actor__email", "actor__display_name")
    list_select_related = ("actor", "target_type")
    date_hierarchy = "created_at"
    fields = ("created_at", "actor", "verb", "target_type", "target_id", "data")
    readonly_fields = fields
