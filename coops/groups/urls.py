"""Group URLs, and the pages of every registered group module.

Module pages live at /g/<group-slug>/m/<module name>/… and are reversed as
``groups:<module name>:<url name>`` with the group's ``slug``. They are built when
this urlconf is imported, after every AppConfig.ready() has registered its modules.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import URLPattern, URLResolver, include, path
from django.utils.module_loading import import_string

from . import views
from .modules import Module, all_modules

app_name = "groups"


def _wrap(patterns: Iterable, module: str) -> list:
    """Copy a module's URL patterns with every view behind `views.module_view`."""
    wrapped: list = []
    for p in patterns:
        if isinstance(p, URLResolver):
            wrapped.append(
                URLResolver(
                    p.pattern,
                    _wrap(p.url_patterns, module),
                    p.default_kwargs,
                    p.app_name,
                    p.namespace,
                )
            )
        elif isinstance(p, URLPattern):
            callback = views.module_view(p.callback, module)
            wrapped.append(URLPattern(p.pattern, callback, p.default_args, p.name))
    return wrapped


def module_urlpatterns(modules: Iterable[Module]) -> list:
    """One include per module that has pages, namespaced by the module's name."""
    result = []
    for module in modules:
        if not module.urls:
            continue
        patterns = import_string(f"{module.urls}.urlpatterns")
        result.append(
            path(
                f"<slug:slug>/m/{module.name}/",
                include((_wrap(patterns, module.name), module.name), namespace=module.name),
            )
        )
    return result


urlpatterns = [
    path("", views.group_list, name="list"),
    path("new/", views.group_create, name="create"),
    path("invitations/<str:token>/", views.invitation_detail, name="invitation"),
    path("<slug:slug>/", views.group_detail, name="detail"),
    path("<slug:slug>/join/", views.group_join, name="join"),
    path("<slug:slug>/leave/", views.group_leave, name="leave"),
    path("<slug:slug>/settings/", views.group_settings, name="settings"),
    path("<slug:slug>/members/manage/", views.members_manage, name="members"),
    path(
        "<slug:slug>/members/requests/<int:pk>/accept/",
        views.request_accept,
        name="request_accept",
    ),
    path(
        "<slug:slug>/members/requests/<int:pk>/refuse/",
        views.request_refuse,
        name="request_refuse",
    ),
    path("<slug:slug>/members/<int:pk>/role/", views.member_role, name="member_role"),
    path("<slug:slug>/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("<slug:slug>/invitations/", views.invitation_create, name="invite"),
    path(
        "<slug:slug>/invitations/<int:pk>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    *module_urlpatterns(all_modules()),
]
