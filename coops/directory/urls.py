"""Public pages of the directory, mounted at /annuaire/ (see coops.config.urls).

Fixed paths (such as the map's "carte/") go before the actor page's <slug>/."""

from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("", views.actor_list, name="list"),
    path("<slug:slug>/", views.actor_detail, name="actor"),
]
