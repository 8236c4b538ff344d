from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CharterConfig(AppConfig):
    name = "coops.charter"
    label = "charter"
    verbose_name = _("Charter")

    def ready(self) -> None:
        from coops.accounts.personal_data import register_personal_data
        from coops.core.demo import register_demo_step
        from coops.directory.sections import register_actor_section
        from coops.notifications.kinds import register_kind

        from . import (
            permissions,  # noqa: F401  (registers the charter rules)
            personal_data,
        )
        from .demo import load_charter
        from .sections import actor_charter_section
        from .services import RESIGN_KIND

        register_kind(
            RESIGN_KIND,
            _("Charter to sign again"),
            _(
                "A new version of the charter is published and an actor you manage "
                "signed an older one."
            ),
        )
        register_personal_data("charter_signatures", export=personal_data.export)
        register_demo_step("charter", load_charter, order=55)
        register_actor_section(
            "charter", "charter/_actor_section.html", context=actor_charter_section, order=10
        )

        from coops.directory.submission_parts import register_submission_part

        from .submission import charter_part_data, charter_part_form, charter_part_save

        register_submission_part(
            "charter",
            form_factory=charter_part_form,
            template="charter/_submission_part.html",
            save=charter_part_save,
            order=10,
            complete_data=charter_part_data,
        )

        from coops.directory.merging import register_merge_handler

        from .merging import describe_signatures, move_signatures

        register_merge_handler(
            "charter_signatures", move=move_signatures, describe=describe_signatures, order=10
        )

        from .motions import register_charter_motion

        register_charter_motion()
