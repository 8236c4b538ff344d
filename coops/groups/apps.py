from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "coops.groups"
    label = "groups"
    verbose_name = _("Groups")

    def ready(self) -> None:
        from coops.accounts.personal_data import register_personal_data
        from coops.core.demo import register_demo_step

        from . import (
            permissions,  # noqa: F401  (registers the group rules)
            personal_data,
        )
        from .demo import load_groups

        register_personal_data(
            "group_memberships", export=personal_data.export, erase=personal_data.erase
        )
        register_demo_step("groups", load_groups, order=20)
