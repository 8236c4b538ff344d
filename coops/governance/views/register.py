"""The decision register: the adopted proposals of a group and of the groups above it,
searchable and paginated on the server."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET

from coops.core.permissions import require

from ..forms_proposals import RegisterFilterForm
from ..selectors.register import register_groups, register_page, register_years
from ._common import in_group_zone, render_page


@login_required
@require_GET
@in_group_zone
def register(request: HttpRequest) -> HttpResponse:
    require(request.user, "governance.view_register", request.group)
    group_ids = register_groups(request.group)
    form = RegisterFilterForm(request.GET, years=register_years(group_ids=group_ids))
    filters = form.cleaned_data if form.is_valid() else {}
    page = register_page(
        group_ids=group_ids,
        q=filters.get("q", ""),
        method=filters.get("method", ""),
        year=filters.get("year"),
        page=request.GET.get("page"),
    )
    return render_page(request, "register.html", form=form, page=page, inherited=len(group_ids) > 1)


urlpatterns = [
    path("register/", register, name="register"),
]
