"""The charter actors of the directory sign: versions, their commitments, signatures.

A version starts as a draft (no number, editable) and is published once: it then gets
the next number and never changes again (a new wording is a new version). The current
version is the latest published one. Commitments keep a `key` from one version to the
next, so a diff tells a reworded commitment from a new one. A signature records which
version an actor signed, who signed for it, and every commitment they ticked.

Published versions and their commitments are frozen by database triggers too (see
migration 0002), not only by the services.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    SOCIAL = "social", _("Social")
    ENVIRONMENTAL = "environmental", _("Environmental")
    GOVERNANCE = "governance", _("Governance")


class CharterVersionQuerySet(models.QuerySet):
    def published(self) -> CharterVersionQuerySet:
        return self.filter(published_at__isnull=False)

    def drafts(self) -> CharterVersionQuerySet:
        return self.filter(published_at__isnull=True)

    def current(self) -> CharterVersion | None:
        """The latest published version, or None before the first publication."""
        return self.published().order_by("-number").first()


class CharterVersion(models.Model):
    number = models.PositiveIntegerField(
        _("version number"), null=True, blank=True, unique=True, editable=False
    )
    title = models.CharField(_("title"), max_length=200)
    preamble = models.TextField(_("preamble"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    adopted_through = models.CharField(
        _("adopted through"),
        max_length=255,
        blank=True,
        editable=False,
        help_text=_("The decision that adopted this version, e.g. a motion of an assembly."),
    )

    objects = CharterVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("charter version")
        verbose_name_plural = _("charter versions")
        ordering = [models.F("number").desc(nulls_first=True), "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__isnull=True, published_at__isnull=True)
                | Q(number__isnull=False, number__gte=1, published_at__isnull=False),
                name="charter_version_numbered_iff_published",
            ),
        ]

    def __str__(self) -> str:
        if self.number is None:
            return _("Draft: %(title)s") % {"title": self.title}
        return _("Version %(number)s: %(title)s") % {"number": self.number, "title": self.title}

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        if self.number is None:
            return reverse("charter:drafts")
        return reverse("charter:version", kwargs={"number": self.number})

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @cached_property
    def is_current(self) -> bool:
        """True for the latest published version (one query; selectors fill it for lists)."""
        if self.number is None:
            return False
        return not CharterVersion.objects.published().filter(number__gt=self.number).exists()


class Commitment(models.Model):
    version = models.ForeignKey(
        CharterVersion,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="commitments",
    )
    key = models.SlugField(
        _("key"),
        max_length=80,
        help_text=_(
            "Stays the same when a commitment is reworded in a later version, so the "
            "versions can be compared."
        ),
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    title = models.CharField(_("commitment"), max_length=255)
    explanation = models.CharField(_("explanation"), max_length=500)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["version", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="charter_commitment_key_once"),
            models.CheckConstraint(
                condition=Q(category__in=Category.values), name="charter_commitment_category"
            ),
            models.CheckConstraint(
                condition=~Q(title="") & ~Q(explanation=""),
                name="charter_commitment_has_text",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Signature(models.Model):
    actor = models.ForeignKey(
        "directory.Actor",
        verbose_name=_("actor"),
        on_delete=models.CASCADE,
        related_name="charter_signatures",
    )
    version = models.ForeignKey(
        CharterVersion,
        verbose_name=_("version"),
        on_delete=models.PROTECT,
        related_name="signatures",
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        on_delete=models.PROTECT,
        related_name="charter_signatures",
    )
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)
    accepted = models.ManyToManyField(
        Commitment, verbose_name=_("commitments ticked"), related_name="+"
    )

    class Meta:
        verbose_name = _("charter signature")
        verbose_name_plural = _("charter signatures")
        ordering = ["-signed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["actor", "version"], name="charter_signature_once_per_version"
            ),
        ]
        indexes = [
            models.Index(fields=["actor", "-signed_at"], name="charter_signature_latest_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.actor} — {self.version}"
