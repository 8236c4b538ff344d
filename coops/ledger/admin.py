from django.contrib import admin

from coops.core.admin import ReadOnlyMixin

from .models import Entry, LedgerAccount, Payment, Transaction


class EntryInline(ReadOnlyMixin, admin.TabularInline):
    model = Entry
    fields = ["account", "amount", "currency", "balance_after"]
    readonly_fields = fields
    extra = 0


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["name", "group", "currency", "purpose", "balance", "min_balance", "max_balance"]
    list_filter = ["currency", "purpose", "is_active"]
    search_fields = ["name", "group__name", "group__slug"]
    list_select_related = ["group"]


@admin.register(Transaction)
class TransactionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["id", "created_at", "group", "kind", "memo", "created_by", "reverses"]
    list_filter = ["kind"]
    search_fields = ["memo", "idempotency_key"]
    list_select_related = ["group", "created_by"]
    inlines = [EntryInline]
    date_hierarchy = "created_at"


@admin.register(Entry)
class EntryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["id", "transaction", "account", "amount", "currency", "balance_after"]
    list_filter = ["currency"]
    list_select_related = ["transaction", "account"]
    raw_id_fields = ["transaction", "account"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["received_on", "group", "member", "amount", "currency", "method", "recorded_by"]
    list_filter = ["method", "currency", "provider"]
    search_fields = ["member__email", "member__display_name", "reference", "cheque_number"]
    list_select_related = ["group", "member", "recorded_by"]


from .dues import admin as dues_admin  # noqa: E402, F401
