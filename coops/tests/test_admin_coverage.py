import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from coops.accounts.tests.factories import UserFactory

# Unmanaged models are the database's own derived tables (the directory's actor places,
# PostgreSQL only), never edited.
COOPS_MODELS = [
    m for m in apps.get_models() if m.__module__.startswith("coops.") and m._meta.managed
]


def test_every_coops_model_has_an_admin():
    missing = [m._meta.label for m in COOPS_MODELS if m not in admin.site._registry]
    assert missing == []


@pytest.mark.django_db
@pytest.mark.parametrize("model", COOPS_MODELS, ids=lambda m: m._meta.label)
def test_admin_list_and_add_pages_open_for_staff(client, model):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    opts = model._meta
    listing = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert listing.status_code == 200
    model_admin = admin.site._registry[model]
    add = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    assert add.status_code == (200 if model_admin.has_add_permission(listing.wsgi_request) else 403)


@pytest.mark.django_db
@pytest.mark.parametrize("model", COOPS_MODELS, ids=lambda m: m._meta.label)
def test_admin_is_closed_to_members(client, model):
    client.force_login(UserFactory())
    opts = model._meta
    response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
