"""The charter section of an actor's directory page."""

import html

import pytest
from django.test import RequestFactory
from django.urls import reverse

from coops.accounts.tests.factories import UserFactory
from coops.charter.sections import actor_charter_section
from coops.directory.sections import registered_sections
from coops.directory.tests.factories import ActorFactory

from .factories import published, sign

pytestmark = pytest.mark.django_db


def _section(client, actor) -> str:
    text = html.unescape(
        client.get(reverse("directory:actor", kwargs={"slug": actor.slug})).content.decode()
    )
    start = text.index('data-testid="charter-section"')
    return text[start : text.index("</section>", start)]


def test_the_section_is_registered():
    section = next(s for s in registered_sections() if s.name == "charter")
    assert (section.template, section.context) == (
        "charter/_actor_section.html",
        actor_charter_section,
    )


def test_no_section_before_a_first_version():
    request = RequestFactory().get("/")
    request.user = UserFactory()
    assert actor_charter_section(ActorFactory(), request) is None


def test_the_page_shows_the_current_signature(client):
    staff = UserFactory(is_staff=True)
    actor = ActorFactory(slug="scop")
    signature = sign(actor, published(by=staff), staff)
    section = _section(client, actor)
    day = signature.signed_at.astimezone().strftime("%-d")
    assert "A signé la version 1 de la charte le " + day in section
    assert 'href="/charte/versions/1/"' in section
    assert "/charte/signer/" not in section


def test_the_page_says_an_older_version_was_signed_and_owners_may_sign_again(client):
    owner = UserFactory()
    actor = ActorFactory(slug="scop", owners=[owner])
    sign(actor, published(), owner)
    published()
    section = _section(client, actor)
    assert "A signé une version précédente de la charte : la version 1, le " in section
    assert "/charte/signer/scop/" not in section
    client.force_login(owner)
    section = _section(client, actor)
    assert '<a class="button small" href="/charte/signer/scop/">Signer la version 2</a>' in section


def test_the_page_of_an_actor_that_never_signed(client):
    published()
    actor = ActorFactory(slug="scop")
    section = _section(client, actor)
    assert "N’a pas encore signé la charte." in section
    assert 'href="/charte/"' in section
