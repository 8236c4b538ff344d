"""Charter pages, mounted at /charte/ (see coops.config.urls)."""

from django.urls import path

from . import views

app_name = "charter"

urlpatterns = [
    path("", views.charter_current, name="current"),
    path("versions/", views.version_history, name="history"),
    path("versions/<int:number>/", views.version_detail, name="version"),
    path("versions/<int:number>/diff/", views.version_diff, name="diff"),
    path("signer/<slug:slug>/", views.charter_sign, name="sign"),
    path("brouillons/", views.draft_list, name="drafts"),
    path("brouillons/nouveau/", views.draft_create, name="draft_create"),
    path("brouillons/<int:pk>/publier/", views.draft_publish, name="draft_publish"),
]
