from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShortcircuitConfig(AppConfig):
    name = "coops.shortcircuit"
    label = "shortcircuit"
    verbose_name = _("Short food circuits")

    def ready(self) -> None:
        from coops.groups.modules import Module, register_module

        from . import permissions  # noqa: F401  (registers the short-circuit rules)
        from .kinds import register_kinds

        register_kinds()
        from coops.accounts.personal_data import register_personal_data

        from . import personal_data

        register_personal_data(
            "shortcircuit", export=personal_data.export, erase=personal_data.erase
        )
        from coops.core.demo import register_demo_step

        from .demo import load_shortcircuit

        register_demo_step("shortcircuit", load_shortcircuit, order=80)
        register_module(
            Module(
                name="shortcircuit",
                label=_("Short food circuits"),
                description=_(
                    "Producers' catalogs, distributions with pre-orders at pickup points, "
                    "AMAP season contracts and group purchasing by the case"
                ),
                urls="coops.shortcircuit.urls",
                kinds=("food_hub", "local", "federation", "network"),
            )
        )
