"""The site's URLs with the test modules mounted under /g/<slug>/m/<name>/."""

from django.urls import include, path

from coops.config.urls import urlpatterns as site_urlpatterns
from coops.groups import urls as group_urls
from coops.groups.tests.demo_module import BASKETS, NOTES

groups_patterns = [*group_urls.urlpatterns, *group_urls.module_urlpatterns([NOTES, BASKETS])]

urlpatterns = [
    path("g/", include((groups_patterns, "groups"))),
    *[p for p in site_urlpatterns if str(p.pattern) != "g/"],
]

handler400 = "coops.core.views.bad_request"
handler403 = "coops.core.views.permission_denied"
handler404 = "coops.core.views.page_not_found"
handler500 = "coops.core.views.server_error"
