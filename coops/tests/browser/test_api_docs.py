"""The Swagger UI page really runs in Chromium under the site's CSP."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_swagger_ui_renders_the_api_without_csp_violations(page):
    violations: list[str] = []
    failed: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on("requestfailed", lambda request: failed.append(request.url))

    response = page.goto("/api/v1/docs")

    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Coops API")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/me" in [p.replace("\u200b", "") for p in paths]
    assert violations == []
    assert failed == []
