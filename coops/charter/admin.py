"""Admin: drafts are edited here (text and commitments); published versions and
signatures are read-only. Publishing goes through the service, as an action."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from coops.core.admin import ReadOnlyMixin

from . import services
from .models import CharterVersion, Commitment, Signature


def _is_draft(obj) -> bool:
    return obj is None or not obj.is_published


class CommitmentInline(admin.StackedInline):
    model = Commitment
    extra = 0
    fields = ["position", "category", "key", "title", "explanation"]
    prepopulated_fields = {"key": ["title"]}

    def has_add_permission(self, request, obj=None):
        return _is_draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return _is_draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _is_draft(obj) and super().has_delete_permission(request, obj)


@admin.register(CharterVersion)
class CharterVersionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "number", "published_at", "published_by", "adopted_through"]
    list_filter = [("published_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "preamble"]
    fields = ["title", "preamble", "number", "published_at", "published_by", "adopted_through"]
    readonly_fields = ["number", "published_at", "published_by", "adopted_through"]
    inlines = [CommitmentInline]
    actions = ["publish", "draft_from"]

    def has_change_permission(self, request, obj=None):
        return _is_draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _is_draft(obj) and super().has_delete_permission(request, obj)

    @admin.action(description=_("Publish the selected draft"))
    def publish(self, request, queryset):
        drafts = list(queryset)
        if len(drafts) != 1:
            self.message_user(request, _("Select exactly one draft to publish."), messages.ERROR)
            return
        try:
            version = services.charter_version_publish(version=drafts[0], acting_user=request.user)
        except (ValidationError, PermissionDenied) as exc:
            text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            self.message_user(request, text, messages.ERROR)
            return
        self.message_user(
            request,
            _("Version %(number)s of the charter is published.") % {"number": version.number},
            messages.SUCCESS,
        )

    @admin.action(description=_("Start a new draft from the selected version"))
    def draft_from(self, request, queryset):
        created = 0
        for version in queryset.order_by("pk"):
            try:
                services.charter_version_draft(acting_user=request.user, based_on=version)
            except PermissionDenied as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return
            created += 1
        self.message_user(
            request,
            ngettext("%(count)d draft created.", "%(count)d drafts created.", created)
            % {"count": created},
            messages.SUCCESS,
        )


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "version", "key", "position"]
    list_filter = ["category", "version"]
    search_fields = ["title", "explanation", "key"]
    prepopulated_fields = {"key": ["title"]}

    def has_change_permission(self, request, obj=None):
        return (obj is None or _is_draft(obj.version)) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return (obj is None or _is_draft(obj.version)) and super().has_delete_permission(
            request, obj
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "version":
            kwargs["queryset"] = CharterVersion.objects.drafts()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Signature)
class SignatureAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["actor", "version", "signed_by", "signed_at"]
    list_filter = ["version"]
    search_fields = ["actor__name", "signed_by__email", "signed_by__display_name"]
    list_select_related = ["actor", "version", "signed_by"]
    readonly_fields = ["actor", "version", "signed_by", "signed_at", "accepted"]
