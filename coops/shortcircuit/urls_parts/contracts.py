"""contracts pages of the short-circuit module."""

from django.urls import path

from ..views import contracts as views

urlpatterns: list = [
    path("contracts/", views.contract_list, name="contracts"),
    path("contracts/new/", views.contract_create, name="contract_create"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract"),
    path("contracts/<int:pk>/edit/", views.contract_edit, name="contract_edit"),
    path("contracts/<int:pk>/status/", views.contract_status, name="contract_status"),
    path("contracts/<int:pk>/subscribe/", views.subscribe, name="subscribe"),
    path("contracts/<int:pk>/instalments/", views.instalment_list, name="instalments"),
    path("contracts/<int:pk>/cheques/", views.cheque_list, name="cheques"),
    path("subscriptions/<int:pk>/", views.subscription_detail, name="subscription"),
]
