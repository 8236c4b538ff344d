"""Group pages. Thin: parse input, check permission, call a service or a selector, render.

Rules: an unknown group and a group the visitor may not see both answer 404 (a
members-only group does not leak its existence); a visible group with a forbidden
action answers 403 with the rule's message.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coops.core.permissions import can, require

from . import selectors, services
from .forms import (
    GroupCreateForm,
    GroupFilterForm,
    GroupSettingsForm,
    InvitationForm,
    JoinForm,
    RefuseForm,
    RoleForm,
)
from .models import Group, GroupModule, Invitation, JoinPolicy, Membership
from .permissions import is_admin


def _visible_group(request: HttpRequest, slug: str) -> Group:
    group = get_object_or_404(Group, slug=slug)
    if not can(request.user, "group.view", group):
        raise Http404
    return group


def _managed_group(request: HttpRequest, slug: str, action: str) -> Group:
    group = _visible_group(request, slug)
    require(request.user, action, group)
    return group


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _manage_url(group: Group) -> str:
    return reverse("groups:members", kwargs={"slug": group.slug})


# --- Browsing ----------------------------------------------------------------------------


@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    form = GroupFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    page = selectors.group_list_page(
        user=request.user,
        kind=data.get("kind", ""),
        q=data.get("q", ""),
        page=request.GET.get("page"),
    )
    return render(request, "groups/list.html", {"form": form, "page": page})


@require_GET
def group_detail(request: HttpRequest, slug: str) -> HttpResponse:
    group = _visible_group(request, slug)
    context = selectors.group_page(group=group, user=request.user, page=request.GET.get("page"))
    context.update(
        can_see_members=can(request.user, "group.view_members", group),
        can_join=can(request.user, "group.join", group),
        asks_first=group.join_policy == JoinPolicy.REQUEST,
        join_form=JoinForm(),
    )
    return render(request, "groups/detail.html", context)


# --- Joining and leaving -----------------------------------------------------------------


@require_POST
@login_required
def group_join(request: HttpRequest, slug: str) -> HttpResponse:
    group = _visible_group(request, slug)
    form = JoinForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["message"]))
        return redirect(group)
    try:
        membership = services.membership_join(
            group=group, acting_user=request.user, message=form.cleaned_data["message"]
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect(group)
    if membership.is_active:
        messages.success(request, _("Welcome to %(group)s!") % {"group": group.name})
    else:
        messages.success(request, _("Your request has been sent to the group's organisers."))
    return redirect(group)


@require_POST
@login_required
def group_leave(request: HttpRequest, slug: str) -> HttpResponse:
    group = _managed_group(request, slug, "group.leave")
    try:
        services.membership_leave(group=group, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect(group)
    messages.success(request, _("You have left %(group)s.") % {"group": group.name})
    return redirect(group)


# --- Managing members --------------------------------------------------------------------


def _row_context(request: HttpRequest, group: Group, **extra) -> dict:
    """What one request or member row needs, on the page or alone for htmx."""
    actor_is_admin = is_admin(request.user, group) or request.user.is_superuser
    return {
        "group": group,
        "actor_is_admin": actor_is_admin,
        "role_choices": RoleForm(can_grant_admin=actor_is_admin).fields["role"].choices,
        **extra,
    }


def _manage_context(request: HttpRequest, group: Group, **extra) -> dict:
    context = _row_context(request, group)
    context.update(selectors.manage_page(group=group, page=request.GET.get("page")))
    context["invite_form"] = InvitationForm(can_grant_admin=context["actor_is_admin"])
    context.update(extra)
    return context


@require_GET
@login_required
def members_manage(request: HttpRequest, slug: str) -> HttpResponse:
    group = _managed_group(request, slug, "group.manage_members")
    return render(request, "groups/members.html", _manage_context(request, group))


def _act_on_row(
    request: HttpRequest,
    group: Group,
    membership: Membership,
    action: Callable[[], Membership],
    *,
    done: str,
    partial: str,
) -> HttpResponse:
    """Run a service on one row; htmx gets the updated row, others a redirect."""
    error = ""
    try:
        membership = action()
    except ValidationError as exc:
        error = _errors(exc)
    if _is_htmx(request):
        notice = "" if error else done
        context = _row_context(request, group, row=membership, error=error, notice=notice)
        return render(request, f"groups/members.html#{partial}", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect(_manage_url(group))


def _row(group: Group, pk: int) -> Membership:
    return get_object_or_404(Membership.objects.select_related("user"), pk=pk, group=group)


@require_POST
@login_required
def request_accept(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    group = _managed_group(request, slug, "group.manage_members")
    m = _row(group, pk)
    done = _("%(name)s is now a member.") % {"name": m.user.public_name}
    return _act_on_row(
        request,
        group,
        m,
        lambda: services.membership_accept(membership=m, acting_user=request.user),
        done=done,
        partial="request-row",
    )


@require_POST
@login_required
def request_refuse(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    group = _managed_group(request, slug, "group.manage_members")
    m = _row(group, pk)
    form = RefuseForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    done = _("The request from %(name)s was refused.") % {"name": m.user.public_name}
    return _act_on_row(
        request,
        group,
        m,
        lambda: services.membership_refuse(membership=m, acting_user=request.user, reason=reason),
        done=done,
        partial="request-row",
    )


@require_POST
@login_required
def member_role(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    group = _managed_group(request, slug, "group.manage_members")
    m = _row(group, pk)
    form = RoleForm(request.POST, can_grant_admin=True)
    role = form.cleaned_data["role"] if form.is_valid() else ""

    def change() -> Membership:
        return services.membership_change_role(membership=m, role=role, acting_user=request.user)

    done = _("%(name)s's role was changed.") % {"name": m.user.public_name}
    return _act_on_row(request, group, m, change, done=done, partial="member-row")


@require_POST
@login_required
def member_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    group = _managed_group(request, slug, "group.manage_members")
    m = _row(group, pk)
    done = _("%(name)s was removed from the group.") % {"name": m.user.public_name}
    return _act_on_row(
        request,
        group,
        m,
        lambda: services.membership_remove(membership=m, acting_user=request.user),
        done=done,
        partial="member-row",
    )


@require_POST
@login_required
def invitation_create(request: HttpRequest, slug: str) -> HttpResponse:
    group = _managed_group(request, slug, "group.manage_members")
    actor_is_admin = is_admin(request.user, group) or request.user.is_superuser
    form = InvitationForm(request.POST, can_grant_admin=actor_is_admin)
    if form.is_valid():
        try:
            invitation = services.invitation_create(
                group=group, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("An invitation was sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect(_manage_url(group))
    context = _manage_context(request, group, invite_form=form)
    return render(request, "groups/members.html", context)


@require_POST
@login_required
def invitation_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    group = _managed_group(request, slug, "group.manage_members")
    invitation = get_object_or_404(Invitation, pk=pk, group=group)
    try:
        services.invitation_revoke(invitation=invitation, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(
            request,
            _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email},
        )
    return redirect(_manage_url(group))


# --- Creating and configuring groups ---------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def group_create(request: HttpRequest) -> HttpResponse:
    parent = None
    if request.GET.get("parent"):
        parent = _managed_group(request, request.GET["parent"], "group.create_subgroup")
    elif not request.user.is_staff:
        raise PermissionDenied(_("Only the site's staff can create a top-level group."))
    form = GroupCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(
                acting_user=request.user, parent=parent, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The group %(group)s was created.") % {"group": group.name})
            return redirect(group)
    return render(request, "groups/create.html", {"form": form, "parent": parent})


def _settings_initial(group: Group) -> dict:
    initial = {f: getattr(group, f) for f in services.GROUP_FIELDS}
    initial["modules"] = list(
        GroupModule.objects.filter(group=group).values_list("module", flat=True)
    )
    return initial


@require_http_methods(["GET", "POST"])
@login_required
def group_settings(request: HttpRequest, slug: str) -> HttpResponse:
    group = _managed_group(request, slug, "group.administer")
    form = GroupSettingsForm(request.POST or None, group=group, initial=_settings_initial(group))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        modules = set(data.pop("modules"))
        try:
            services.group_configure(group=group, acting_user=request.user, modules=modules, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The group's settings were saved."))
            return redirect(group)
    return render(request, "groups/settings.html", {"group": group, "form": form})


# --- Invitations -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def invitation_detail(request: HttpRequest, token: str) -> HttpResponse:
    invitation = get_object_or_404(
        Invitation.objects.select_related("group", "invited_by"), token=token
    )
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    error = ""
    if request.method == "POST":
        try:
            services.invitation_accept(invitation=invitation, acting_user=request.user)
        except ValidationError as exc:
            error = _errors(exc)
        else:
            messages.success(request, _("Welcome to %(group)s!") % {"group": invitation.group.name})
            return redirect(invitation.group)
    return render(request, "groups/invitation.html", {"invitation": invitation, "error": error})


# --- Module pages ------------------------------------------------------------------------


def module_view(view: Callable[..., HttpResponse], module: str) -> Callable[..., HttpResponse]:
    """Serve a module's view for one group, as `request.group`.

    Answers 404 unless the group exists, the visitor may see it and the group has
    turned the module on. The module's view does not receive the group slug.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, slug: str, *args, **kwargs) -> HttpResponse:
        group = _visible_group(request, slug)
        if not GroupModule.objects.filter(group=group, module=module).exists():
            raise Http404
        request.group = group
        return view(request, *args, **kwargs)

    return wrapped
