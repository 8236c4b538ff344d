"""Juntagrico's URLs plus /__bench__/floor, the same bare answer as on the Coops side."""

from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path


def floor(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("__bench__/floor", floor),
    path("admin/", admin.site.urls),
    path("impersonate/", include("impersonate.urls")),
    path("", include("juntagrico.urls")),
]
