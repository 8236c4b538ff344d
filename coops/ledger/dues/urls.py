"""Dues pages, included by coops/ledger/urls.py at "dues/" without a namespace, so
they reverse as ``groups:ledger:<name>`` with the group's slug."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.dues_index, name="dues"),
    path("<int:dues_id>/pay/", views.dues_pay, name="dues_pay"),
    path("plans/", views.dues_plans, name="dues_plans"),
    path("plans/new/", views.dues_plan_create, name="dues_plan_create"),
    path("plans/<int:plan_id>/", views.dues_plan_edit, name="dues_plan_edit"),
    path("plans/<int:plan_id>/generate/", views.dues_generate, name="dues_generate"),
    path("plans/<int:plan_id>/declare/", views.dues_declare, name="dues_declare"),
    path("report/", views.dues_report, name="dues_report"),
    path("all/", views.dues_list, name="dues_list"),
    path("<int:dues_id>/record-payment/", views.dues_record_payment, name="dues_record_payment"),
    path("<int:dues_id>/waive/", views.dues_waive, name="dues_waive"),
]
