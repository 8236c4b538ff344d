from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "coops.groups"
    label = "groups"
    verbose_name = _("Groups")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the group rules)
