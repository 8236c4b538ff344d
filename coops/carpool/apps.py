from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CarpoolConfig(AppConfig):
    name = "coops.carpool"
    label = "carpool"
    verbose_name = _("Carpooling")
