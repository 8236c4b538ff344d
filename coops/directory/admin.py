from django.contrib import admin
from django.db import models

from .models import Actor, Label, Sector, Skill, Tag


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["path", "name", "name_en", "depth"]
    search_fields = ["name", "name_en", "path"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "commission"]
    search_fields = ["name", "name_en"]
    autocomplete_fields = ["commission"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Label, Tag)
class TermAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "slug"]
    search_fields = ["name", "name_en"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Actor)
class ActorAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "legal_form", "city", "department", "status", "geocode_status"]
    list_filter = ["status", "kind", "legal_form", "geocode_status"]
    search_fields = ["name", "siret", "city", "postcode", "email"]
    autocomplete_fields = ["sectors", "skills", "labels", "tags", "owners", "group"]
    readonly_fields = ["search_text", "created_at", "updated_at", "published_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
