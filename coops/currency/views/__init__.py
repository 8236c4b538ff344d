"""Pages of the "currency" group module, mounted at /g/<slug>/m/currency/ (see
coops.groups.modules). Thin: parse a form, check the rule, call one service or
selector, render. The group wrapper has already answered 404 for an unknown or
invisible group, or one without the module; `request.group` is the group.

The payer of every payment is `request.user`: no form has a payer field.
"""

from .manage import account_limits, manage, settings
from .member import (
    index,
    overview,
    pay,
    request_accept,
    request_cancel,
    request_create,
    request_refuse,
    statement_download,
)
from .offers import offer_activate, offer_create, offer_deactivate, offer_detail, offer_edit, offers

__all__ = [
    "account_limits",
    "index",
    "manage",
    "offer_activate",
    "offer_create",
    "offer_deactivate",
    "offer_detail",
    "offer_edit",
    "offers",
    "overview",
    "pay",
    "request_accept",
    "request_cancel",
    "request_create",
    "request_refuse",
    "settings",
    "statement_download",
]
