"""The one book of money and currency: accounts, immutable transactions and entries.

Amounts are integer minor units (cents for EUR). A balance changes only through
`ledger.services`, under row locks; every transaction's entries sum to zero per
currency. Corrections are reversal transactions: nothing is edited or deleted.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from coops.core.models import TimeStampedModel


class ImmutableError(RuntimeError):
    pass


class Purpose(models.TextChoices):
    MEMBER = "member", _("Member balance")
    CASH = "cash", _("Cash box")
    BANK = "bank", _("Bank account")
    FEES = "fees", _("Fees and commissions")
    SOLIDARITY = "solidarity", _("Solidarity fund")
    DUES = "dues", _("Dues income")
    ISSUANCE = "issuance", _("Currency issuance")
    PRODUCER = "producer", _("Producer balance")


class LedgerAccount(TimeStampedModel):
    """An account in one currency, in the books of one group, owned by a user, an
    actor or the group itself (generic owner, so higher apps can own accounts)."""

    group = models.ForeignKey(
        "groups.Group", verbose_name=_("books of"), on_delete=models.PROTECT, related_name="+"
    )
    currency = models.CharField(_("currency"), max_length=12)
    purpose = models.CharField(
        _("purpose"), max_length=20, choices=Purpose.choices, default=Purpose.MEMBER
    )
    owner_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    owner_id = models.CharField(max_length=64)
    owner = GenericForeignKey("owner_type", "owner_id")
    name = models.CharField(_("name"), max_length=200)
    balance = models.BigIntegerField(_("balance (minor units)"), default=0, editable=False)
    min_balance = models.BigIntegerField(
        _("minimum balance"), null=True, blank=True, help_text=_("Empty means no limit.")
    )
    max_balance = models.BigIntegerField(
        _("maximum balance"), null=True, blank=True, help_text=_("Empty means no limit.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")
        ordering = ["group_id", "currency", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "currency", "purpose", "owner_type", "owner_id"],
                name="ledger_account_once_per_owner_purpose",
            ),
            models.CheckConstraint(
                condition=models.Q(purpose__in=Purpose.values), name="ledger_account_purpose_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(min_balance__isnull=True)
                | models.Q(max_balance__isnull=True)
                | models.Q(min_balance__lte=models.F("max_balance")),
                name="ledger_account_limits_ordered",
            ),
        ]
        indexes = [models.Index(fields=["owner_type", "owner_id"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.currency})"


class Transaction(models.Model):
    """A balanced, immutable movement. Its kind is registered by the posting app."""

    group = models.ForeignKey(
        "groups.Group", verbose_name=_("books of"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=60)  # indexed in Meta, without a _like twin
    memo = models.CharField(_("memo"), max_length=255, blank=True)
    # Indexed together with source_id (Meta.indexes), not alone.
    source_type = models.ForeignKey(
        ContentType,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    source_id = models.CharField(max_length=64, blank=True, default="")
    source = GenericForeignKey("source_type", "source_id")
    # Unique through Meta.constraints (no pattern-matching twin index on PostgreSQL);
    # NULL, not "", for "no key", so any number of transactions may have none.
    idempotency_key = models.CharField(max_length=120, null=True, blank=True)  # noqa: DJ001
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )

    class Meta:
        verbose_name = _("transaction")
        verbose_name_plural = _("transactions")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["source_type", "source_id"]),
            models.Index(fields=["kind"], name="ledger_transaction_kind_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"], name="ledger_transaction_idempotency_key_unique"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.memo}".strip()

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ImmutableError("a ledger transaction is never changed; post a reversal")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError("a ledger transaction is never deleted; post a reversal")


class Entry(models.Model):
    """One leg of a transaction on one account; positive credits, negative debits.

    `balance_after` is the account's balance right after this entry, written under
    the account's row lock, so statements need no running sum.
    """

    # Both foreign keys are covered by the composite indexes below: no index of their own,
    # so a transfer writes two index entries fewer per leg.
    transaction = models.ForeignKey(
        Transaction, on_delete=models.PROTECT, related_name="entries", db_index=False
    )
    account = models.ForeignKey(
        LedgerAccount, on_delete=models.PROTECT, related_name="entries", db_index=False
    )
    currency = models.CharField(max_length=12)
    amount = models.BigIntegerField(_("amount (minor units)"))
    balance_after = models.BigIntegerField(_("balance after"))

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount=0), name="ledger_entry_not_zero"),
            models.UniqueConstraint(
                fields=["transaction", "account"], name="ledger_entry_one_leg_per_account"
            ),
        ]
        indexes = [models.Index(fields=["account", "-id"])]

    def __str__(self) -> str:
        return f"{self.account} {self.amount:+d}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ImmutableError("a ledger entry is never changed; post a reversal")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError("a ledger entry is never deleted; post a reversal")


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    CHEQUE = "cheque", _("Cheque")
    TRANSFER = "transfer", _("Bank transfer")
    CARD = "card", _("Card")


class Payment(models.Model):
    """Money a member handed to a group, recorded by an organiser; credits the
    member's balance in the group's books through one ledger transaction."""

    group = models.ForeignKey("groups.Group", on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ledger_payments"
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=12, default="EUR")
    method = models.CharField(_("method"), max_length=10, choices=PaymentMethod.choices)
    provider = models.CharField(_("provider"), max_length=30, default="manual")
    cheque_number = models.CharField(_("cheque number"), max_length=30, blank=True)
    cheque_bank = models.CharField(_("bank"), max_length=80, blank=True)
    reference = models.CharField(_("reference"), max_length=120, blank=True)
    received_on = models.DateField(_("received on"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    transaction = models.OneToOneField(
        Transaction, on_delete=models.PROTECT, related_name="payment", null=True, editable=False
    )

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="ledger_payment_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(method__in=PaymentMethod.values),
                name="ledger_payment_method_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(method="cheque")
                | (~models.Q(cheque_number="") & ~models.Q(cheque_bank="")),
                name="ledger_payment_cheque_has_number_and_bank",
            ),
            models.CheckConstraint(
                condition=~models.Q(method="transfer") | ~models.Q(reference=""),
                name="ledger_payment_transfer_has_reference",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.amount} {self.currency} ({self.get_method_display()})"


from .dues.models import Dues, DuesBracket, DuesDeclaration, DuesPlan  # noqa: E402, F401
