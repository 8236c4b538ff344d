from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from coops.groups.selectors import home_groups


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", home_groups(user=request.user))


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def _error(request, status: int, title: str, message: str) -> HttpResponse:
    return render(
        request,
        "core/error.html",
        {"status": status, "title": title, "message": message},
        status=status,
    )


def bad_request(request, exception=None):
    return _error(request, 400, _("Bad request"), _("The request could not be understood."))


def permission_denied(request, exception=None):
    detail = str(exception) if exception and str(exception) else ""
    return _error(
        request, 403, _("Not allowed"), detail or _("You do not have permission to do this.")
    )


def page_not_found(request, exception=None):
    return _error(
        request,
        404,
        _("Page not found"),
        _("This page does not exist, or is visible to members only."),
    )


def server_error(request):
    return _error(
        request,
        500,
        _("Something went wrong"),
        _("The error has been recorded. Please try again in a moment."),
    )
