"""Staff see the currencies, requests and demurrage runs; money is never edited here
(the organiser pages go through the services, with their audit events). Staff may
withdraw an offer from the listing."""

from django.contrib import admin

from coops.core.admin import ReadOnlyMixin

from .models import Currency, DemurrageRun, Offer, PaymentRequest


@admin.register(Currency)
class CurrencyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "symbol",
        "decimals",
        "group",
        "default_min_balance",
        "default_max_balance",
        "demurrage_rate",
    ]
    search_fields = ["name", "code", "group__name", "group__slug"]
    list_select_related = ["group"]


@admin.register(PaymentRequest)
class PaymentRequestAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "currency", "requester", "payer", "amount", "status"]
    list_filter = ["status", "currency"]
    search_fields = ["memo", "requester__email", "payer__email"]
    list_select_related = ["currency", "requester", "payer"]
    date_hierarchy = "created_at"


@admin.register(DemurrageRun)
class DemurrageRunAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["period", "currency", "rate", "free_base", "accounts_charged", "total"]
    list_filter = ["currency"]
    list_select_related = ["currency"]


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "category", "currency", "author", "price", "is_active"]
    list_filter = ["kind", "category", "is_active", "currency"]
    search_fields = ["title", "description", "author__email", "author__display_name"]
    list_select_related = ["currency", "author"]
    fields = [
        "currency",
        "author",
        "kind",
        "title",
        "description",
        "category",
        "price",
        "price_eur",
        "is_free",
        "is_active",
    ]
    readonly_fields = [f for f in fields if f != "is_active"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
