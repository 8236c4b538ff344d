from django.contrib import admin
from django.urls import include, path

from coops.api.api import api
from coops.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("me/", include("coops.accounts.urls")),
    path("g/", include("coops.groups.urls")),
    path("annuaire/", include("coops.directory.urls")),
    path("charte/", include("coops.charter.urls")),
    path("circuits/", include("coops.shortcircuit.urls_producer")),
    path("notifications/", include("coops.notifications.urls")),
    path("api/v1/", api.urls),
]

handler400 = "coops.core.views.bad_request"
handler403 = "coops.core.views.permission_denied"
handler404 = "coops.core.views.page_not_found"
handler500 = "coops.core.views.server_error"
