from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CarpoolConfig(AppConfig):
    name = "coops.carpool"
    label = "carpool"
    verbose_name = _("Carpooling")

    def ready(self) -> None:
        from coops.accounts.personal_data import register_personal_data
        from coops.core.demo import register_demo_step
        from coops.groups.modules import Module, register_module

        from . import kinds, permissions, personal_data  # noqa: F401  (registers the rules)
        from .demo import load_carpool

        kinds.register_kinds()
        register_personal_data("carpool", export=personal_data.export, erase=personal_data.erase)
        register_demo_step("carpool", load_carpool, order=75)
        register_module(
            Module(
                name="carpool",
                label=_("Carpooling"),
                description=_(
                    "Members offer rides, one-off or every week, and others book seats: "
                    "matching on the route with a small detour, contributions per km settled "
                    "in euros or in the local currency, free solidarity rides"
                ),
                urls="coops.carpool.urls",
            )
        )
