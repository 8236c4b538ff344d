"""Public pages of the directory, mounted at /annuaire/ (see coops.config.urls).

Each views module lists its own patterns; fixed paths (the map's "carte/", "proposer/"…)
all go before the actor page's catch-all "<slug>/"."""

from django.urls import path

from .views import imports, moderation, opendata, search, submission
from .views import map as map_views

app_name = "directory"

urlpatterns = [
    path("", search.actor_list, name="list"),
    *map_views.urlpatterns,
    *submission.urlpatterns,
    *moderation.urlpatterns,
    *opendata.urlpatterns,
    *imports.urlpatterns,
    path("<slug:slug>/", search.actor_detail, name="actor"),
]
