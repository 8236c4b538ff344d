"""The site's URLs plus /__bench__/floor: Django's cheapest possible answer.

The floor goes through the same middleware stack as every page (sessions, CSRF, CSP,
locale…), so a page's ratio to it measures the page's own work: queries, templates.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from coops.config.urls import urlpatterns as site_urlpatterns


def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("__bench__/floor", floor, name="bench-floor"), *site_urlpatterns]

handler400 = "coops.core.views.bad_request"
handler403 = "coops.core.views.permission_denied"
handler404 = "coops.core.views.page_not_found"
handler500 = "coops.core.views.server_error"
