"""GET /api/v1/me for each persona, by session and by token."""

import pytest

from conftest import PERSONAS
from coops.api.tests.conftest import make_token

pytestmark = pytest.mark.django_db


def _expected(user) -> dict:
    return {
        "id": user.pk,
        "email": user.email,
        "display_name": user.display_name,
        "language": user.language,
        "home_town": user.home_town,
    }


@pytest.mark.parametrize("who", PERSONAS)
def test_me_by_session(personas, who):
    response = personas.client(who).get("/api/v1/me")

    if who == "anonymous":
        assert response.status_code == 401
        assert response.json() == {"detail": "Authentification requise."}
    else:
        assert response.status_code == 200
        assert response.json() == _expected(getattr(personas, who))


@pytest.mark.parametrize("who", [p for p in PERSONAS if p != "anonymous"])
def test_me_by_token(personas, bearer_client, who):
    user = getattr(personas, who)
    user.home_town = "Lille"
    user.language = "en"
    user.save(update_fields=["home_town", "language"])

    response = bearer_client(make_token(user)).get("/api/v1/me")

    assert response.status_code == 200
    assert response.json() == _expected(user)
    assert response.json()["home_town"] == "Lille"


def test_me_is_read_only(personas):
    client = personas.client("member")

    response = client.post("/api/v1/me", {}, content_type="application/json")

    assert response.status_code == 405
    personas.member.refresh_from_db()
    assert personas.member.display_name == _expected(personas.member)["display_name"]
