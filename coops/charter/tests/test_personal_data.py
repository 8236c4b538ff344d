"""RGPD: the "charter_signatures" personal data source, and erasure keeping signatures."""

import pytest

from coops.accounts.personal_data import personal_data_sources
from coops.accounts.services import user_erase
from coops.accounts.tests.factories import UserFactory
from coops.charter import personal_data
from coops.charter.models import Signature
from coops.directory.tests.factories import ActorFactory

from .factories import published, sign

pytestmark = pytest.mark.django_db


def test_the_source_is_registered_without_erasure():
    source = next(s for s in personal_data_sources() if s.name == "charter_signatures")
    assert (source.export, source.erase) == (personal_data.export, None)


def test_export_lists_signatures_and_published_versions():
    staff = UserFactory(is_staff=True)
    owner = UserFactory()
    actor = ActorFactory(name="Scop du Vieux-Lille", slug="scop", owners=[owner, staff])
    v1 = published(by=staff, title="Charte")
    first = sign(actor, v1, owner)
    v2 = published(by=UserFactory(is_staff=True))
    second = sign(actor, v2, staff)
    assert personal_data.export(owner) == {
        "signatures": [
            {
                "actor": "Scop du Vieux-Lille",
                "actor_slug": "scop",
                "version": 1,
                "signed_at": first.signed_at.isoformat(),
            }
        ],
        "published_versions": [],
    }
    assert personal_data.export(staff) == {
        "signatures": [
            {
                "actor": "Scop du Vieux-Lille",
                "actor_slug": "scop",
                "version": 2,
                "signed_at": second.signed_at.isoformat(),
            }
        ],
        "published_versions": [
            {"version": 1, "title": "Charte", "published_at": v1.published_at.isoformat()}
        ],
    }


def test_erasure_keeps_the_signature_on_the_anonymised_user():
    owner = UserFactory(display_name="Odile Martin")
    actor = ActorFactory(owners=[owner])
    signature = sign(actor, published(), owner)
    user_erase(user=owner, acting_user=owner)
    signature = Signature.objects.select_related("signed_by").get(pk=signature.pk)
    assert signature.signed_by_id == owner.pk
    assert signature.signed_by.is_erased is True
    assert "Odile" not in signature.signed_by.public_name
    assert personal_data.export(signature.signed_by)["signatures"][0]["version"] == 1
