"""Pages of the "currency" group module, mounted at /g/<slug>/m/currency/ (see
coops.groups.modules). Reverse as ``groups:currency:<name>`` with the group's slug."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="index"),
    path("statement.csv", views.statement_download, name="statement_csv"),
    path("group/", views.overview, name="overview"),
    path("pay/", views.pay, name="pay"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<int:pk>/accept/", views.request_accept, name="request_accept"),
    path("requests/<int:pk>/refuse/", views.request_refuse, name="request_refuse"),
    path("requests/<int:pk>/cancel/", views.request_cancel, name="request_cancel"),
    path("manage/", views.manage, name="manage"),
    path("manage/settings/", views.settings, name="settings"),
    path("manage/members/<int:user_id>/limits/", views.account_limits, name="account_limits"),
    path("offers/", views.offers, name="offers"),
    path("offers/new/", views.offer_create, name="offer_create"),
    path("offers/<int:pk>/", views.offer_detail, name="offer_detail"),
    path("offers/<int:pk>/edit/", views.offer_edit, name="offer_edit"),
    path("offers/<int:pk>/withdraw/", views.offer_deactivate, name="offer_deactivate"),
    path("offers/<int:pk>/relist/", views.offer_activate, name="offer_activate"),
]
