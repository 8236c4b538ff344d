"""Every error is {"detail": "..."} (plus "errors" for 422), and the document says so."""

import pytest
from django.test import Client

from coops.api.api import api as real_api
from coops.api.tests.conftest import make_token

pytestmark = [pytest.mark.django_db, pytest.mark.urls("coops.api.tests.urls")]


@pytest.fixture
def client(user, bearer_client) -> Client:
    return bearer_client(make_token(user))


def test_permission_denied_gives_403_with_the_rule_message(client):
    response = client.get("/t/forbidden")

    assert response.status_code == 403
    assert response.json() == {"detail": "Only organisers can do this."}


def test_permission_denied_without_message_gives_the_generic_one(client):
    response = client.get("/t/forbidden-silently")

    assert response.status_code == 403
    assert response.json() == {"detail": "Vous n'avez pas l'autorisation de faire ceci."}


def test_http404_gives_404_without_leaking_the_lookup(client):
    response = client.get("/t/missing/amap-secrete")

    assert response.status_code == 404
    assert response.json() == {"detail": "Introuvable, ou visible des membres seulement."}


def test_http_error_keeps_its_status_and_message(client):
    response = client.post(
        "/t/notes", {"title": "taken", "size": 1}, content_type="application/json"
    )

    assert response.status_code == 409
    assert response.json() == {"detail": "A note with this title already exists."}


def test_model_validation_error_gives_422_with_each_message(client):
    response = client.post("/t/invalid-model")

    assert response.status_code == 422
    assert response.json() == {
        "detail": "Données invalides.",
        "errors": [
            {"loc": ["body", "name"], "msg": "This field cannot be blank."},
            {"loc": ["body"], "msg": "Dates overlap."},
        ],
    }


def test_plain_validation_error_gives_422(client):
    response = client.post("/t/invalid")

    assert response.status_code == 422
    assert response.json() == {
        "detail": "Données invalides.",
        "errors": [{"loc": ["body"], "msg": "The distribution is closed."}],
    }


def test_invalid_body_gives_422_with_the_field(client):
    response = client.post(
        "/t/notes", {"title": "Compte rendu", "size": "grand"}, content_type="application/json"
    )

    assert response.status_code == 422
    assert response.json() == {
        "detail": "Données invalides.",
        "errors": [
            {
                "loc": ["body", "payload", "size"],
                "msg": "Input should be a valid integer, unable to parse string as an integer",
            }
        ],
    }


def test_messages_follow_the_callers_language():
    response = Client(headers={"Accept-Language": "en"}).get("/t/forbidden-silently")

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication required."}


# --- the OpenAPI document ------------------------------------------------------------------


def _responses(document, path, method):
    return document["paths"][path][method]["responses"]


def test_document_declares_the_standard_errors():
    client = Client()
    document = client.get("/t/openapi.json").json()
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    invalid = {"application/json": {"schema": {"$ref": "#/components/schemas/ValidationErrorOut"}}}

    notes = _responses(document, "/t/notes", "post")
    assert sorted(notes) == ["201", "400", "401", "403", "409", "422", "429"]
    assert notes["400"]["content"] == error  # a body that is not JSON
    assert notes["401"]["content"] == error
    assert notes["403"]["content"] == error
    assert notes["422"]["content"] == invalid
    assert notes["429"]["content"] == error
    # No body: no 400, but a write may still answer 422 (a service's ValidationError).
    invalid_post = _responses(document, "/t/invalid", "post")
    assert sorted(invalid_post) == ["200", "401", "403", "422", "429"]
    # A safe method has no CSRF 403; a public one still declares 401 (for a bad token).
    assert sorted(_responses(document, "/t/whoami", "get")) == ["200", "401", "429"]
    # Path parameters can miss.
    assert sorted(_responses(document, "/t/missing/{slug}", "get")) == [
        "200",
        "401",
        "404",
        "422",
        "429",
    ]
    assert document["components"]["schemas"]["Error"]["required"] == ["detail"]


def test_document_marks_public_endpoints_as_optionally_authenticated():
    document = Client().get("/t/openapi.json").json()

    assert document["paths"]["/t/whoami"]["get"]["security"] == [
        {"ApiTokenAuth": []},
        {"SessionAuth": []},
        {},
    ]
    assert document["paths"]["/t/notes"]["post"]["security"] == [
        {"ApiTokenAuth": []},
        {"SessionAuth": []},
    ]


def test_real_api_has_the_same_auth_and_throttles():
    from coops.api.auth import REQUIRED
    from coops.api.throttling import THROTTLES

    assert real_api.auth == REQUIRED
    assert real_api.throttle == THROTTLES


def test_unknown_api_path_is_a_json_404_not_the_html_page(client):
    response = client.get("/t/no-such-endpoint/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {"detail": "Introuvable, ou visible des membres seulement."}


@pytest.mark.urls("coops.config.urls")
def test_unknown_path_under_the_real_api_is_a_json_404():
    response = Client().get("/api/v1/no-such-endpoint")

    assert response.status_code == 404
    assert response.json() == {"detail": "Introuvable, ou visible des membres seulement."}


def test_body_that_is_not_json_gives_400(client):
    response = client.post("/t/notes", b"{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": "Cannot parse request body"}
