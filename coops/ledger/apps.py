from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "coops.ledger"
    label = "ledger"
    verbose_name = _("Ledger")

    def ready(self) -> None:
        from coops.accounts.personal_data import register_personal_data
        from coops.core.demo import register_demo_step
        from coops.groups.modules import Module, register_module

        from . import dues, kinds, permissions, personal_data, providers
        from .demo import load_ledger

        kinds.register_builtin_kinds()
        providers.register_payment_kind()
        register_personal_data(
            "ledger_accounts", export=personal_data.export, erase=personal_data.erase
        )
        register_demo_step("ledger", load_ledger, order=30)
        register_module(
            Module(
                name="ledger",
                label=_("Accounts and dues"),
                description=_(
                    "Prepaid member balances, payments received, dues and the accounting export"
                ),
                urls="coops.ledger.urls",
                roles={permissions.TREASURER: _("Treasurer")},
            )
        )
        dues.setup()
