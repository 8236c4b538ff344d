"""The OpenAPI document and the Swagger UI page, under the site's CSP."""

from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts: list[dict] = []
        self.links: list[str] = []
        self.inline_scripts: list[str] = []
        self.inline_styles = 0
        self._in_script: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs or any(name.startswith("on") for name in attrs):
            self.inline_styles += 1
        if tag == "script":
            self.scripts.append(attrs)
            self._in_script = attrs
        elif tag == "link":
            self.links.append(attrs["href"])
        elif tag == "style":
            self.inline_styles += 1

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None

    def handle_data(self, data):
        script = self._in_script
        if script is None or "src" in script or not data.strip():
            return
        if script.get("type") != "application/json":
            self.inline_scripts.append(data)


def test_openapi_document_is_public():
    response = Client().get("/api/v1/openapi.json")

    assert response.status_code == 200
    document = response.json()
    assert document["info"]["title"] == "Coops API"
    assert "/api/v1/me" in document["paths"]


def test_docs_page_runs_under_the_site_csp_with_self_hosted_assets():
    response = Client().get("/api/v1/docs")

    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["connect-src"] == "'self'"

    page = _Assets()
    page.feed(response.content.decode())
    sources = [s["src"] for s in page.scripts if "src" in s]
    assert sources == ["/static/ninja/swagger-ui-bundle.js", "/static/ninja/swagger-ui-init.js"]
    assert page.inline_scripts == []  # only the JSON settings block, which is not executed
    assert page.inline_styles == 0
    assert page.links == [
        "/static/ninja/swagger-ui.css",
        "/static/ninja/favicon.svg",
        "/static/ninja/favicon.png",
    ]
    for url in sources + page.links:
        assert finders.find(url.removeprefix("/static/")), f"{url} is not a static file"


def test_docs_page_points_at_the_document_and_disables_the_external_validator():
    body = Client().get("/api/v1/docs").content.decode()

    assert '"url": "/api/v1/openapi.json"' in body
    # Swagger UI would otherwise load a badge from validator.swagger.io (blocked by CSP).
    assert '"validatorUrl": null' in body


def test_docs_page_gives_swagger_the_csrf_token_for_session_calls(user):
    client = Client()
    client.force_login(user)

    response = client.get("/api/v1/docs")

    assert 'data-api-csrf="true"' in response.content.decode()
    assert response.cookies["csrftoken"].value
