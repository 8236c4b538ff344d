"""Staff see the short-circuit data. Orders, stock and money are never edited here: the
pages go through the services (stock updates, row locks, audit events, the ledger)."""

from django.contrib import admin

from coops.core.admin import ReadOnlyMixin

from . import models as m


@admin.register(m.ProductType)
class ProductTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "name_en", "parent"]
    search_fields = ["code", "name_fr", "name_en"]


class VariantInline(admin.TabularInline):
    model = m.Variant
    extra = 0
    readonly_fields = ["stock"]


@admin.register(m.Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "producer", "product_type", "active"]
    list_filter = ["active", "product_type"]
    search_fields = ["name", "producer__name"]
    raw_id_fields = ["producer"]
    inlines = [VariantInline]


@admin.register(m.Variant)
class VariantAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["__str__", "unit", "unit_size", "price", "vat_rate", "stock", "active"]
    search_fields = ["product__name", "name"]


@admin.register(m.HubProducer)
class HubProducerAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["group", "producer", "created_at"]


@admin.register(m.PickupPoint)
class PickupPointAdmin(admin.ModelAdmin):
    list_display = ["name", "group", "city", "geocode_status", "active"]
    list_filter = ["geocode_status", "active"]
    search_fields = ["name", "city"]


@admin.register(m.Recurrence)
class RecurrenceAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["title", "group", "weekday", "start_time", "active"]


class SlotInline(admin.TabularInline):
    model = m.DistributionSlot
    extra = 0


@admin.register(m.Distribution)
class DistributionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["title", "group", "delivery_date", "status", "closes_at"]
    list_filter = ["status"]
    inlines = [SlotInline]


@admin.register(m.DistributionSlot)
class DistributionSlotAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["distribution", "pickup_point", "starts_at", "ends_at"]


@admin.register(m.Offer)
class OfferAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["distribution", "variant", "price"]


@admin.register(m.Shift)
class ShiftAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["title", "distribution", "starts_at", "needed"]


@admin.register(m.ShiftSignup)
class ShiftSignupAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["shift", "user", "created_at"]


class LineInline(ReadOnlyMixin, admin.TabularInline):
    model = m.OrderLine
    extra = 0


@admin.register(m.Order)
class OrderAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["pk", "distribution", "buyer", "status", "payment", "total"]
    list_filter = ["status", "payment"]
    inlines = [LineInline]


@admin.register(m.OrderLine)
class OrderLineAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["order", "product_name", "quantity", "unit_price", "total"]


@admin.register(m.Contract)
class ContractAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["title", "group", "producer", "kind", "status", "starts_on", "ends_on"]


for model in (
    m.ContractOption,
    m.ContractDelivery,
    m.Subscription,
    m.Absence,
    m.DeliveryChoice,
    m.Instalment,
    m.Need,
    m.NeedVote,
    m.BulkOrder,
    m.BulkArticle,
    m.BulkRequest,
):
    admin.site.register(
        model, type(f"{model.__name__}Admin", (ReadOnlyMixin, admin.ModelAdmin), {})
    )
