from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CurrencyConfig(AppConfig):
    name = "coops.currency"
    label = "currency"
    verbose_name = _("Local currency")

    def ready(self) -> None:
        from coops.accounts.personal_data import register_personal_data
        from coops.core.demo import register_demo_step
        from coops.core.money import register_currency_resolver
        from coops.groups.modules import Module, register_module

        from . import kinds, permissions, personal_data  # noqa: F401
        from .demo import load_currency
        from .resolver import resolve_currency

        register_currency_resolver(resolve_currency)
        kinds.register_kinds()
        register_personal_data("currency", export=personal_data.export, erase=personal_data.erase)
        register_demo_step("currency", load_currency, order=40)
        register_module(
            Module(
                name="currency",
                label=_("Local currency"),
                description=_(
                    "A mutual-credit currency between members: accounts with a credit "
                    "limit, payments, payment requests, offers and wants"
                ),
                urls="coops.currency.urls",
            )
        )
