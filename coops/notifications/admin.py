from django.contrib import admin

from .models import Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "kind", "group", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "recipient__email", "recipient__display_name"]
    list_select_related = ["recipient", "group"]
    raw_id_fields = ["recipient", "group"]
    readonly_fields = ["created_at", "emailed_at", "digested_at"]
    date_hierarchy = "created_at"


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "frequency"]
    list_filter = ["frequency", "kind"]
    search_fields = ["user__email", "user__display_name", "kind"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
