"""The ledger transaction kinds and notification kinds the on-demand app uses."""

from django.utils.translation import gettext_lazy as _

SETTLEMENT = "ondemand.settlement"
TOPUP = "ondemand.topup"
CANCELLATION = "ondemand.cancellation"

JOB_OFFERED = "ondemand.job_offered"
JOB_STATUS = "ondemand.job_status"
DOCUMENT_CHECKED = "ondemand.document_checked"


def register_kinds() -> None:
    from coops.ledger.kinds import register_kind as register_ledger_kind
    from coops.notifications.kinds import register_kind as register_notification_kind

    register_ledger_kind(SETTLEMENT, _("Job settled"))
    register_ledger_kind(TOPUP, _("Top-up to the minimum hourly rate"))
    register_ledger_kind(CANCELLATION, _("Cancellation fee"))
    register_notification_kind(
        JOB_OFFERED, _("A job is offered to you"), _("When dispatch offers you a job to accept")
    )
    register_notification_kind(
        JOB_STATUS, _("Your job's progress"), _("When a job you asked for changes status")
    )
    register_notification_kind(
        DOCUMENT_CHECKED,
        _("Your documents were checked"),
        _("When an organiser approves or refuses a document you uploaded"),
    )
