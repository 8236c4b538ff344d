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

        from .demo_imports import load_imports

        register_demo_step("directory_imports", load_imports, order=58)

        from .opendata import actor_jsonld_section
        from .sections import register_actor_section

        register_actor_section(
            "jsonld", "directory/_jsonld.html", context=actor_jsonld_section, order=1000
        )

        self._ready_moderation(register_demo_step, register_actor_section)
        self._ready_submission(register_demo_step)

    def _ready_moderation(self, register_demo_step, register_actor_section) -> None:
        """Collaborative moderation: notification kinds, the actor page's opinion box,
        the personal data it holds, its demo step."""
        from coops.accounts.personal_data import register_personal_data
        from coops.notifications.kinds import register_kind

        from . import moderation_personal_data
        from .demo_moderation import load_moderation
        from .services.moderation import DECIDED_KIND, FRESHNESS_KIND, REPORT_HANDLED_KIND
        from .views.moderation import actor_moderation_section

        register_kind(
            DECIDED_KIND,
            _("Decisions on your directory entries"),
            _("An entry you submitted or manage is published, rejected, archived or merged."),
        )
        register_kind(
            FRESHNESS_KIND,
            _("Directory entries to check"),
            _("An entry you manage was not updated for a year: is it still accurate?"),
        )
        register_kind(
            REPORT_HANDLED_KIND,
            _("Your reports on directory entries"),
            _("The moderators handled an entry you reported."),
        )
        register_actor_section(
            "moderation",
            "directory/moderation/_actor_section.html",
            context=actor_moderation_section,
            order=5,
        )
        register_personal_data(
            "directory_moderation",
            export=moderation_personal_data.export,
            erase=moderation_personal_data.erase,
        )
        register_demo_step("directory_moderation", load_moderation, order=57)

    def _ready_submission(self, register_demo_step) -> None:
        """Submitting and editing entries: the decision on a pending change is notified;
        demo submissions and a pending change."""
        from coops.notifications.kinds import register_kind

        from .demo_submission import load_submissions
        from .services.submission import CHANGE_DECIDED_KIND

        register_kind(
            CHANGE_DECIDED_KIND,
            _("Your changes to directory entries"),
            _("A moderator accepted or rejected a change you proposed to a published entry."),
        )
        register_demo_step("directory_submissions", load_submissions, order=56)
