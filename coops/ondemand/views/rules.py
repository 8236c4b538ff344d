"""Pages: the federation's rules (public, with the decisions that set them) and the form
to propose new ones."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from coops.core.permissions import can, require
from coops.groups.models import GroupModule

from ..forms_rules import RulesProposalForm
from ..models import DocumentKind
from ..selectors.rules import current_rules, last_decision_by_rule, rule_history
from ..services.rules import rules_propose
from ._common import render_page


def _decides(group) -> bool:
    return GroupModule.objects.filter(group=group, module="governance").exists()


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    group = request.group
    rules = current_rules(group=group)
    return render_page(
        request,
        "rules.html",
        section="rules",
        rules=rules,
        documents=[DocumentKind(k).label for k in rules.required_documents],
        decided=last_decision_by_rule(group=group),
        history=rule_history(group=group),
        can_propose=_decides(group) and can(request.user, "governance.participate", group),
    )


@login_required
@require_http_methods(["GET", "POST"])
def rules_propose_view(request: HttpRequest) -> HttpResponse:
    group = request.group
    require(request.user, "governance.participate", group)
    if not _decides(group):
        messages.error(request, _("Turn on the Decisions module to change the rules by vote."))
        return redirect(reverse("groups:ondemand:index", kwargs={"slug": group.slug}))
    rules = current_rules(group=group)
    form = RulesProposalForm(request.POST or None, rules=rules)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = rules_propose(
                group=group,
                acting_user=request.user,
                changes=form.changes(),
                reason=form.cleaned_data["reason"],
                method=form.cleaned_data["method"],
                closes_at=form.cleaned_data["closes_at"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request,
                _("Your proposal is saved as a draft. Open it to the vote when it is ready."),
            )
            return redirect(
                reverse(
                    "groups:governance:proposal", kwargs={"slug": group.slug, "pk": proposal.pk}
                )
            )
    return render_page(
        request, "rules_propose.html", section="rules", form=form, rules=rules,
        here=_("Propose new rules"),
    )  # fmt: skip


urlpatterns = [
    path("", index, name="index"),
    path("rules/propose/", rules_propose_view, name="rules_propose"),
]
