from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "coops.directory"
    label = "directory"
    verbose_name = _("Directory")

    def ready(self) -> None:
        from coops.core.demo import register_demo_step

        from . import permissions  # noqa: F401  (registers the rules)
        from .demo import load_directory

        register_demo_step("directory", load_directory, order=50)
