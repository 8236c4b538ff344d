from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "coops.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from coops.accounts.personal_data import register_personal_data
        from coops.core.hooks import listen

        from . import listeners, personal_data

        listeners.register_group_kinds()
        for event, listener in listeners.LISTENERS.items():
            listen(event)(listener)
        register_personal_data(
            "notifications", export=personal_data.export, erase=personal_data.erase
        )
