"""A test-only API built like the real one, with endpoints that exercise each error path.

The real API has no unsafe or public endpoint of its own yet; these let the tests check
CSRF, anonymous access and error bodies with the same auth, throttles and handlers.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import path
from ninja import Schema, Status
from ninja.errors import HttpError

from coops.api.api import CoopsAPI
from coops.api.auth import PUBLIC, REQUIRED
from coops.api.schemas import Error
from coops.api.throttling import THROTTLES

api = CoopsAPI(title="Test API", urls_namespace="api-test", auth=REQUIRED, throttle=THROTTLES)


class NoteIn(Schema):
    title: str
    size: int


class WhoOut(Schema):
    who: str


@api.get("/whoami", response=WhoOut, auth=PUBLIC)
def whoami(request):
    return {"who": request.auth.email if request.auth.is_authenticated else "anonymous"}


@api.post("/notes", response={201: NoteIn, 409: Error})
def create_note(request, payload: NoteIn):
    if payload.title == "taken":
        raise HttpError(409, "A note with this title already exists.")
    return Status(201, payload)


@api.get("/forbidden")
def forbidden(request):
    raise PermissionDenied("Only organisers can do this.")


@api.get("/forbidden-silently")
def forbidden_silently(request):
    raise PermissionDenied


@api.get("/missing/{slug}")
def missing(request, slug: str):
    raise Http404(f"No group {slug}")


@api.post("/invalid-model")
def invalid_model(request):
    raise ValidationError({"name": ["This field cannot be blank."], "__all__": ["Dates overlap."]})


@api.post("/invalid")
def invalid(request):
    raise ValidationError("The distribution is closed.")


urlpatterns = [path("t/", api.urls)]
