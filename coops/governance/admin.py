"""Admin for governance: settings and colleges are editable here (colleges' sum is
checked by the service the group's page uses); everything a vote produced is read-only,
and what a ballot says is never shown (ballots may be secret)."""

from django.contrib import admin

from coops.core.admin import ReadOnlyMixin

from .models import (
    AgendaItem,
    Assembly,
    Attendance,
    Ballot,
    BallotChange,
    BallotMark,
    College,
    CollegeMember,
    GroupGovernance,
    Proposal,
    ProposalOption,
    ProposalVersion,
    Proxy,
    SpeakingRequest,
    Voter,
)


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Rows written by the services only: visible, never changed from the admin."""


@admin.register(GroupGovernance)
class GroupGovernanceAdmin(admin.ModelAdmin):
    list_display = ["group", "agenda_cutoff_days", "max_proxies", "default_method"]
    search_fields = ["group__name"]
    raw_id_fields = ["group"]


@admin.register(College)
class CollegeAdmin(admin.ModelAdmin):
    list_display = ["name", "group", "weight", "position"]
    list_filter = ["group"]
    search_fields = ["name", "group__name"]
    raw_id_fields = ["group"]


@admin.register(CollegeMember)
class CollegeMemberAdmin(ReadOnlyAdmin):
    list_display = ["user", "college", "group"]
    list_filter = ["group"]


@admin.register(Proxy)
class ProxyAdmin(ReadOnlyAdmin):
    list_display = [
        "giver",
        "holder",
        "group",
        "assembly",
        "proposal",
        "created_at",
        "withdrawn_at",
    ]
    list_filter = ["group"]


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    fields = ["position", "title", "status", "proposed_by", "proposal"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Assembly)
class AssemblyAdmin(ReadOnlyAdmin):
    list_display = ["title", "group", "starts_at", "status", "agenda_closes_at"]
    list_filter = ["status", "group"]
    search_fields = ["title", "group__name"]
    date_hierarchy = "starts_at"
    inlines = [AgendaItemInline]


@admin.register(AgendaItem)
class AgendaItemAdmin(ReadOnlyAdmin):
    list_display = ["title", "assembly", "position", "status", "proposed_by"]
    search_fields = ["title"]


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdmin):
    list_display = ["user", "assembly", "status", "proxy_holder"]


@admin.register(SpeakingRequest)
class SpeakingRequestAdmin(ReadOnlyAdmin):
    list_display = ["user", "item", "status", "raised_at", "called_at", "done_at"]


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ["title", "group", "method", "status", "opens_at", "closes_at", "decided_at"]
    list_filter = ["status", "method", "group"]
    search_fields = ["title", "body"]
    exclude = ["outcome"]  # per-college counts of a secret vote stay on its page


@admin.register(ProposalOption)
class ProposalOptionAdmin(ReadOnlyAdmin):
    list_display = ["label", "proposal", "position"]


@admin.register(ProposalVersion)
class ProposalVersionAdmin(ReadOnlyAdmin):
    list_display = ["proposal", "version", "created_at", "created_by"]


@admin.register(Voter)
class VoterAdmin(ReadOnlyAdmin):
    list_display = ["user", "proposal", "college"]


@admin.register(Ballot)
class BallotAdmin(ReadOnlyAdmin):
    list_display = ["proposal", "voter", "cast_by", "cast_at", "changed_at", "set_aside_at"]
    fields = ["proposal", "voter", "cast_by", "proxy", "college", "cast_at", "changed_at"]


@admin.register(BallotMark)
class BallotMarkAdmin(ReadOnlyAdmin):
    list_display = ["ballot", "option"]
    fields = ["ballot", "option"]


@admin.register(BallotChange)
class BallotChangeAdmin(ReadOnlyAdmin):
    list_display = ["ballot", "replaced_at", "cast_by"]
    fields = ["ballot", "replaced_at", "cast_by"]
