"""The directory (annuaire): actors of the cooperative economy, and the taxonomy they
are found by (sectors as a tree, skills, labels, tags).

An actor is an organisation or an independent listed publicly once published. It is
managed by users (its owners) and may be linked to a group. A missing geocode is a
state ("to geolocate"), never 0,0. `search_text` is the denormalised, accent-free text
the search engines index (see coops.directory.indexing and core.search).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from coops.core.models import TimeStampedModel


class _Term(models.Model):
    """A taxonomy term named in French first, with its English name."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name (French)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the active language (French when no English name is given)."""
        if (get_language() or "fr").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class Sector(_Term):
    """A sector of activity in a tree: alimentation > maraîchage. `path` is the chain
    of slugs from the root ("alimentation/maraichage"), so a subtree is a prefix."""

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(_("path"), max_length=255, unique=True)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["path"]


class Skill(_Term):
    """A skill or trade offered by actors and members ("who can help with X near Y");
    a commission (a group of kind commission) may gather the people who share it."""

    commission = models.ForeignKey(
        "groups.Group",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="skills",
        verbose_name=_("commission"),
    )

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["name"]


class Label(_Term):
    """A label or certification shown as a facet (organic, ESUS approval…)."""

    class Meta:
        verbose_name = _("label")
        verbose_name_plural = _("labels")
        ordering = ["name"]


class Tag(_Term):
    """A free keyword."""

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]


class ActorKind(models.TextChoices):
    PRODUCER = "producer", _("Producer")
    SHOP = "shop", _("Shop or market")
    CRAFT = "craft", _("Craft business")
    SERVICE = "service", _("Services")
    ASSOCIATION = "association", _("Association or collective")
    NETWORK = "network", _("Network or federation")
    PUBLIC = "public", _("Public body")
    INDEPENDENT = "independent", _("Independent worker")


class LegalForm(models.TextChoices):
    SCOP = "scop", _("SCOP (workers' co-operative)")
    SCIC = "scic", _("SCIC (multi-stakeholder co-operative)")
    CAE = "cae", _("CAE (business and employment co-operative)")
    AGRICULTURAL_COOP = "coop_agricole", _("Agricultural co-operative (incl. CUMA)")
    CONSUMER_COOP = "coop_conso", _("Consumer co-operative")
    OTHER_COOP = "coop", _("Other co-operative")
    ASSOCIATION = "association", _("Association (loi 1901)")
    GIE = "gie", _("GIE (economic interest group)")
    MUTUAL = "mutuelle", _("Mutual society")
    FOUNDATION = "fondation", _("Foundation")
    INDEPENDENT = "independant", _("Sole trader or micro-enterprise")
    COMPANY = "societe", _("Commercial company (SARL, SAS…)")
    PUBLIC = "public", _("Public body")
    OTHER = "autre", _("Other")


class ActorStatus(models.TextChoices):
    PENDING = "pending", _("Pending moderation")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    ARCHIVED = "archived", _("Archived")


class GeocodeStatus(models.TextChoices):
    TO_GEOLOCATE = "to_geolocate", _("To geolocate")
    ADDRESS = "address", _("Address")
    MUNICIPALITY = "municipality", _("Town centre (approximate)")
    MANUAL = "manual", _("Placed by hand")


class ActorQuerySet(models.QuerySet):
    def published(self) -> ActorQuerySet:
        return self.filter(status=ActorStatus.PUBLISHED)

    def located(self) -> ActorQuerySet:
        return self.filter(latitude__isnull=False, longitude__isnull=False)


class Actor(TimeStampedModel):
    """An entry of the directory."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind of actor"), max_length=20, choices=ActorKind.choices)
    legal_form = models.CharField(
        _("legal form"), max_length=20, choices=LegalForm.choices, blank=True
    )
    siret = models.CharField(
        _("SIRET"),
        max_length=14,
        blank=True,
        help_text=_("14 digits; the SIREN (9 digits) is its beginning."),
    )
    sectors = models.ManyToManyField(
        Sector, verbose_name=_("sectors"), related_name="actors", blank=True
    )
    skills = models.ManyToManyField(
        Skill, verbose_name=_("skills"), related_name="actors", blank=True
    )
    labels = models.ManyToManyField(
        Label, verbose_name=_("labels"), related_name="actors", blank=True
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), related_name="actors", blank=True)

    street = models.CharField(_("street address"), max_length=255, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = models.CharField(_("country"), max_length=2, default="FR")
    department = models.CharField(
        _("department"), max_length=3, blank=True, help_text=_("From the postcode (59, 2A, 974…).")
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    geocode_status = models.CharField(
        _("geocoding"),
        max_length=20,
        choices=GeocodeStatus.choices,
        default=GeocodeStatus.TO_GEOLOCATE,
    )

    email = models.EmailField(_("email"), blank=True)
    telephone = models.CharField(_("telephone"), max_length=30, blank=True)
    website = models.URLField(_("website"), max_length=300, blank=True)
    opening_hours = models.CharField(
        _("opening hours"),
        max_length=255,
        blank=True,
        help_text=_("In the OpenStreetMap format, e.g. “Tu-Sa 09:00-19:00”."),
    )
    image = models.FileField(_("logo or image"), upload_to="actors/", blank=True)

    source = models.CharField(_("source"), max_length=60, blank=True)
    source_id = models.CharField(_("identifier at the source"), max_length=120, blank=True)
    licence = models.CharField(_("licence"), max_length=60, blank=True, default="ODbL-1.0")

    status = models.CharField(
        _("status"), max_length=10, choices=ActorStatus.choices, default=ActorStatus.PENDING
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("owners"), related_name="actors", blank=True
    )
    group = models.ForeignKey(
        "groups.Group",
        verbose_name=_("group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actors",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="submitted_actors",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_actors",
        help_text=_("A duplicate merged into another entry is archived and points to it."),
    )
    freshness_reminded_at = models.DateTimeField(
        _("freshness reminder sent at"), null=True, blank=True
    )
    search_text = models.TextField(_("indexed text"), blank=True, editable=False)

    objects = ActorQuerySet.as_manager()

    class Meta:
        verbose_name = _("actor")
        verbose_name_plural = _("actors")
        ordering = ["name", "id"]
        permissions = [
            ("moderate_actor", _("Can moderate directory entries")),
            ("publish_without_review", _("Edits own entries without moderation (trusted)")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="directory_actor_coordinates_valid",
            ),
            models.CheckConstraint(
                condition=~Q(latitude=0, longitude=0), name="directory_actor_never_null_island"
            ),
            models.CheckConstraint(
                condition=Q(geocode_status=GeocodeStatus.TO_GEOLOCATE, latitude__isnull=True)
                | (~Q(geocode_status=GeocodeStatus.TO_GEOLOCATE) & Q(latitude__isnull=False)),
                name="directory_actor_geocode_status_matches",
            ),
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=~Q(source="") & ~Q(source_id=""),
                name="directory_actor_once_per_source_id",
            ),
            models.CheckConstraint(
                condition=Q(siret="") | Q(siret__regex=r"^[0-9]{14}$"),
                name="directory_actor_siret_digits",
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "latitude", "longitude"], name="directory_actor_geo_idx"
            ),
            models.Index(fields=["status", "department"], name="directory_actor_dept_idx"),
            models.Index(fields=["status", "kind"], name="directory_actor_kind_idx"),
            models.Index(fields=["status", "legal_form"], name="directory_actor_form_idx"),
            models.Index(fields=["status", "-created_at"], name="directory_actor_new_idx"),
            models.Index(fields=["siret"], name="directory_actor_siret_idx"),
            models.Index(fields=["status", "updated_at"], name="directory_actor_fresh_idx"),
            # Duplicate checks compare normalised values (emails lower-cased on write).
            models.Index(fields=["email"], name="directory_actor_email_idx"),
            models.Index(fields=["website"], name="directory_actor_website_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("directory:actor", kwargs={"slug": self.slug})


class ActorPlace(models.Model):
    """PostgreSQL only: the compact copy of a published, geocoded actor that radius
    searches read, kept by the database's triggers in coops.directory.places (ADR 0032).
    Never written from Python."""

    id = models.BigIntegerField(primary_key=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)
    kind = models.CharField(max_length=20)
    legal_form = models.CharField(max_length=20)
    department = models.CharField(max_length=3)
    city = models.CharField(max_length=120)
    # The tsvector, named so that the text search finds the table; never selected.
    search_vector = models.TextField()
    sector_ids = ArrayField(models.BigIntegerField())
    skill_ids = ArrayField(models.BigIntegerField())
    label_ids = ArrayField(models.BigIntegerField())

    class Meta:
        managed = False
        db_table = "directory_actor_place"
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.city} ({self.latitude}, {self.longitude})"
