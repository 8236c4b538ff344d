"""Payments between members and payment requests."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coops.core.audit import event_record
from coops.ledger import services as ledger
from coops.ledger.models import Transaction
from coops.notifications.services import notify

from .. import kinds
from ..models import Currency, Offer, PaymentRequest, RequestStatus, transition_party
from ._base import _amount_text, _index_url, _positive_minor, _require_active_member, _save
from .currencies import member_account_open

# --- Payments ----------------------------------------------------------------------------------


def _pay(
    *,
    currency: Currency,
    payer,
    payee,
    minor: int,
    memo: str,
    source: Any,
    key: str,
) -> tuple[Transaction, bool]:
    """Post a payment from `payer`'s account to `payee`'s; (transaction, posted now).

    Both accounts are locked in primary-key order (as the ledger locks them) before
    looking the key up, so a concurrent retry waits and then sees the first payment."""
    payer_account = member_account_open(currency=currency, user=payer, acting_user=payer)
    payee_account = member_account_open(currency=currency, user=payee, acting_user=payer)
    ledger.lock_accounts([payer_account.pk, payee_account.pk])
    replay = Transaction.objects.filter(idempotency_key=key).exists()
    try:
        tx = ledger.transfer(
            group=currency.group,
            payer=payer_account,
            payee=payee_account,
            amount=minor,
            kind=kinds.TRANSFER,
            acting_user=payer,
            memo=memo,
            source=source,
            idempotency_key=key,
        )
    except ledger.LimitExceeded as refusal:
        if refusal.code != "over_maximum":
            raise
        # The ledger's message tells the payee's balance; the payer must not learn it.
        raise ledger.LimitExceeded(
            _(
                "%(name)s cannot receive this payment: their account would go over its "
                "maximum balance."
            )
            % {"name": payee.public_name},
            code="over_maximum",
        ) from None
    return tx, not replay


def transfer_create(
    *,
    currency: Currency,
    acting_user,
    payee,
    amount: Decimal,
    memo: str = "",
    offer: Offer | None = None,
    idempotency_key: str | None = None,
) -> Transaction:
    """`acting_user` pays `payee` (both active members of the currency's group)
    `amount` in major units. Refused with `ledger.LimitExceeded` (nothing written)
    when it would take the payer under their minimum or the payee over their maximum.
    The same `idempotency_key` from the same payer pays once and returns that payment."""
    minor = _positive_minor(currency, amount)
    group = currency.group
    if payee.pk == acting_user.pk:
        raise ValidationError(_("You cannot pay yourself."), code="self")
    _require_active_member(acting_user, group, _("Only the group's members can pay."))
    _require_active_member(
        payee, group, _("%(name)s is not a member of the group.") % {"name": payee.public_name}
    )
    if offer is not None and offer.currency_id != currency.pk:
        raise ValidationError(_("This offer belongs to another group."), code="offer")
    suffix = idempotency_key or uuid.uuid4().hex
    key = f"{kinds.TRANSFER}:{acting_user.pk}:{suffix}"
    with transaction.atomic():
        tx, posted = _pay(
            currency=currency,
            payer=acting_user,
            payee=payee,
            minor=minor,
            memo=memo,
            source=offer,
            key=key,
        )
        if posted:
            notify(
                recipients=[payee],
                kind=kinds.PAYMENT_RECEIVED,
                title=lambda user: (
                    _("%(name)s paid you %(amount)s")
                    % {"name": acting_user.public_name, "amount": _amount_text(currency, minor)}
                ),
                body=memo,
                url=_index_url(currency),
                group=group,
                actor=acting_user,
            )
    return tx


# --- Payment requests --------------------------------------------------------------------------


def payment_request_create(
    *,
    currency: Currency,
    acting_user,
    payer,
    amount: Decimal,
    memo: str,
    offer: Offer | None = None,
) -> PaymentRequest:
    """`acting_user` asks `payer` (another active member) to pay them `amount`."""
    minor = _positive_minor(currency, amount)
    group = currency.group
    if payer.pk == acting_user.pk:
        raise ValidationError(_("You cannot ask yourself for a payment."), code="self")
    _require_active_member(acting_user, group, _("Only the group's members can ask for payments."))
    _require_active_member(
        payer, group, _("%(name)s is not a member of the group.") % {"name": payer.public_name}
    )
    if offer is not None and offer.currency_id != currency.pk:
        raise ValidationError(_("This offer belongs to another group."), code="offer")
    with transaction.atomic():
        request = PaymentRequest(
            currency=currency,
            requester=acting_user,
            payer=payer,
            amount=minor,
            memo=memo,
            offer=offer,
        )
        _save(request)
        event_record(
            actor=acting_user, verb="currency.request_created", target=request, amount=minor
        )
        notify(
            recipients=[payer],
            kind=kinds.PAYMENT_REQUESTED,
            title=lambda user: (
                _("%(name)s asks you to pay %(amount)s")
                % {"name": acting_user.public_name, "amount": _amount_text(currency, minor)}
            ),
            body=memo,
            url=_index_url(currency),
            group=group,
            actor=acting_user,
        )
    return request


def _answer_title(request: PaymentRequest, status: str, actor):
    currency, minor = request.currency, request.amount

    def title(user) -> str:
        params = {"name": actor.public_name, "amount": _amount_text(currency, minor)}
        if status == RequestStatus.ACCEPTED:
            return _("%(name)s paid your request of %(amount)s") % params
        if status == RequestStatus.REFUSED:
            return _("%(name)s refused your request of %(amount)s") % params
        return _("%(name)s withdrew their request of %(amount)s") % params

    return title


def payment_request_transition(
    *, payment_request: PaymentRequest, to: str, acting_user, reason: str = ""
) -> PaymentRequest:
    """Move a request along `models.TRANSITIONS` under its row lock: the payer
    accepts (the payment is posted from the payer's account) or refuses (with an
    optional reason); the requester withdraws. The other party is notified.

    Accepting over a limit raises `ledger.LimitExceeded` and the request stays pending."""
    with transaction.atomic():
        request = (
            PaymentRequest.objects.select_for_update(of=("self",))
            .select_related("currency__group", "requester", "payer")
            .get(pk=payment_request.pk)
        )
        party = transition_party(request.status, to)
        if party is None:
            raise ValidationError(
                _("This request is already closed (%(status)s).")
                % {"status": request.get_status_display()},
                code="closed",
            )
        expected = request.payer if party == "payer" else request.requester
        if acting_user.pk != expected.pk:
            if party == "payer":
                raise PermissionDenied(_("Only the member asked to pay can answer this request."))
            raise PermissionDenied(_("Only the member who asked can withdraw this request."))
        before = request.status
        currency = request.currency
        if to == RequestStatus.ACCEPTED:
            request.transaction, _posted = _pay(
                currency=currency,
                payer=request.payer,
                payee=request.requester,
                minor=request.amount,
                memo=request.memo,
                source=request,
                key=f"currency.request:{request.pk}",
            )
        if to == RequestStatus.REFUSED:
            request.reason = reason.strip()[:500]
        request.status = to
        request.decided_at = timezone.now()
        _save(request)
        event_record(
            actor=acting_user,
            verb="currency.request_transition",
            target=request,
            before=before,
            after=to,
        )
        other = request.requester if party == "payer" else request.payer
        notify(
            recipients=[other],
            kind=kinds.REQUEST_ANSWERED,
            title=_answer_title(request, to, acting_user),
            body=request.reason if to == RequestStatus.REFUSED else request.memo,
            url=_index_url(currency),
            group=currency.group,
            actor=acting_user,
        )
    return request
