import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured, PermissionDenied

from coops.accounts.tests.factories import UserFactory
from coops.core import permissions
from coops.core.permissions import can, require, rule


@pytest.fixture
def rules(monkeypatch):
    registry: dict = {}
    monkeypatch.setattr(permissions, "_RULES", registry)

    @rule("thing.read", "Only readers may read.", allow_anonymous=True)
    def _read(user, obj):
        return obj == "public"

    @rule("thing.write", "Only the owner may write.")
    def _write(user, obj):
        return obj == user.email

    return registry


def test_unknown_action_raises_instead_of_allowing(rules):
    with pytest.raises(ImproperlyConfigured):
        can(AnonymousUser(), "thing.delete", None)


def test_anonymous_only_passes_rules_that_allow_it(rules):
    assert can(AnonymousUser(), "thing.read", "public")
    assert not can(AnonymousUser(), "thing.read", "private")
    assert not can(AnonymousUser(), "thing.write", "anything")
    assert not can(None, "thing.write", "anything")


@pytest.mark.django_db
def test_predicate_decides_for_signed_in_users(rules):
    user = UserFactory(email="owner@example.org")
    assert can(user, "thing.write", "owner@example.org")
    assert not can(user, "thing.write", "someone@example.org")


@pytest.mark.django_db
def test_inactive_user_is_denied_and_superuser_allowed(rules):
    inactive = UserFactory(is_active=False)
    boss = UserFactory(is_superuser=True)
    assert not can(inactive, "thing.write", inactive.email)
    assert can(boss, "thing.write", "someone@example.org")


@pytest.mark.django_db
def test_require_carries_the_human_message(rules):
    with pytest.raises(PermissionDenied, match=r"Only the owner may write\."):
        require(UserFactory(), "thing.write", "someone@example.org")


def test_a_rule_cannot_be_registered_twice(rules):
    with pytest.raises(ImproperlyConfigured):

        @rule("thing.read", "again")
        def _other(user, obj):
            return True
