from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "coops.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from coops.core.demo import register_demo_step

        from .demo import load_people

        register_demo_step("people", load_people, order=10)
