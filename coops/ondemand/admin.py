from django.contrib import admin

from coops.core.admin import ReadOnlyMixin

from .models import FederationRules, Job, JobEvent, JobOffer, RuleChange, Worker, WorkerDocument


class _ReadOnly(ReadOnlyMixin, admin.ModelAdmin):
    """Rules change only by decision, money only through services: the admin reads."""


@admin.register(FederationRules)
class FederationRulesAdmin(_ReadOnly):
    list_display = ["group", "min_hourly_rate", "commission_percent", "max_hours_per_day"]


@admin.register(RuleChange)
class RuleChangeAdmin(_ReadOnly):
    list_display = ["group", "changed_at", "proposal"]
    list_filter = ["group"]


@admin.register(Worker)
class WorkerAdmin(_ReadOnly):
    list_display = ["user", "group", "vehicle", "is_online", "busy", "seconds_today"]
    list_filter = ["group", "is_online", "vehicle"]
    search_fields = ["user__email", "user__display_name"]


@admin.register(WorkerDocument)
class WorkerDocumentAdmin(_ReadOnly):
    list_display = ["worker", "kind", "valid_until", "status"]
    list_filter = ["status", "kind"]


class JobEventInline(admin.TabularInline):
    model = JobEvent
    extra = 0
    can_delete = False
    readonly_fields = ["status", "at", "by", "note"]


@admin.register(Job)
class JobAdmin(_ReadOnly):
    list_display = ["pk", "group", "kind", "status", "customer", "worker", "price_minor"]
    list_filter = ["group", "status", "kind"]
    inlines = [JobEventInline]


@admin.register(JobOffer)
class JobOfferAdmin(_ReadOnly):
    list_display = ["job", "worker", "rank", "answer", "offered_at", "expires_at"]
    list_filter = ["answer"]


@admin.register(JobEvent)
class JobEventAdmin(_ReadOnly):
    list_display = ["job", "status", "at", "by"]
