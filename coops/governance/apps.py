from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "coops.governance"
    label = "governance"
    verbose_name = _("Governance")

    def ready(self) -> None:
        from coops.groups.modules import Module, register_module
        from coops.notifications.kinds import register_kind

        from . import permissions  # noqa: F401  (registers the governance rules)
        from .minutes import register_minutes_motion
        from .motions_builtin import register_builtin_motions
        from .services.assemblies import register_kinds
        from .services.proposals import KINDS

        for name, (label, description) in KINDS.items():
            register_kind(name, label, description)
        register_kinds()
        register_builtin_motions()
        register_minutes_motion()

        from coops.core.demo import register_demo_step

        from .demo import load_governance

        register_demo_step("governance", load_governance, order=60)

        register_module(
            Module(
                name="governance",
                label=_("Decisions"),
                description=_(
                    "Assemblies with their agenda and speaking lists, proposals decided by "
                    "consensus, consent, majorities, majority judgment or ranked votes, "
                    "colleges, proxies and the register of decisions"
                ),
                urls="coops.governance.urls",
                on_by_default=True,
            )
        )
