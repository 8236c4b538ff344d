from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OndemandConfig(AppConfig):
    name = "coops.ondemand"
    label = "ondemand"
    verbose_name = _("Worker-owned services")

    def ready(self) -> None:
        from coops.accounts.personal_data import register_personal_data
        from coops.groups.modules import Module, register_module

        from . import permissions  # noqa: F401  (registers the on-demand rules)
        from .kinds import register_kinds
        from .motions import register_motions

        register_kinds()
        register_motions()
        from . import personal_data

        register_personal_data("ondemand", export=personal_data.export, erase=personal_data.erase)

        from coops.core.demo import register_demo_step

        from .demo import load_ondemand

        register_demo_step("ondemand", load_ondemand, order=70)

        register_module(
            Module(
                name="ondemand",
                label=_("Worker-owned services"),
                description=_(
                    "Deliveries, rides and services by the federation's workers: rules set "
                    "by vote, a minimum hourly rate, fair dispatch and a small commission"
                ),
                urls="coops.ondemand.urls",
                roles={"dispatcher": _("Dispatcher")},
                kinds=("federation", "network", "scic", "local"),
            )
        )
