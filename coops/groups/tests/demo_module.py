"""A group module that exists only for the tests: its pages show the group they serve."""

from django.http import HttpResponse
from django.urls import path

from coops.groups.modules import Module


def index(request):
    return HttpResponse(f"notes of {request.group.slug}", content_type="text/plain")


def note(request, number: int):
    return HttpResponse(f"note {number} of {request.group.slug}", content_type="text/plain")


urlpatterns = [path("", index, name="index"), path("<int:number>/", note, name="note")]

NOTES = Module(
    name="notes",
    label="Shared notes",
    description="Notes the members write together.",
    urls="coops.groups.tests.demo_module",
    roles={"scribe": "Scribe"},
)

# A module without pages, limited to food hubs.
BASKETS = Module(name="baskets", label="Baskets", kinds=("food_hub",))
