"""Fixtures and helpers for the browser journeys.

Playwright (sync API) drives Debian's Chromium (`apt-get install chromium`) against
pytest-django's live server. Playwright's own browser download is not used.
"""

from __future__ import annotations

import base64
import os
import re
import tempfile
import time
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.utils import translation
from playwright.sync_api import expect, sync_playwright

CHROMIUM = Path(os.environ.get("COOPS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
TIMEOUT_MS = 10_000
# Console errors and uncaught exceptions seen by each page (see console_problems).
_PROBLEMS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
SCREENSHOT_DIR = Path(os.environ.get("COOPS_SCREENSHOT_DIR", tempfile.gettempdir()))


# --- browser and pages -------------------------------------------------------------------


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can see a failure."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: run `apt-get install chromium` to run browser tests"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)

    # Playwright's sync API keeps an asyncio loop in this thread; Django would otherwise
    # refuse ORM calls from the test body (SynchronousOnlyOperation). Nothing here is async.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    expect.set_options(timeout=TIMEOUT_MS)
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(browser, live_server, request) -> Iterator[Callable]:
    """Open a page in a fresh context (own cookies): `new_page(locale="fr-FR")`.

    Each context is a separate person. Confirmation dialogs (data-confirm) are accepted.
    On failure, every open page is saved as a screenshot in the temporary directory.
    """
    contexts = []

    def open_page(*, locale: str = "fr-FR", viewport: dict | None = None):
        context = browser.new_context(
            base_url=live_server.url,
            locale=locale,
            timezone_id="Europe/Paris",
            viewport=viewport or {"width": 1280, "height": 900},
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())
        problems = _PROBLEMS.setdefault(page, [])
        page.on("console", lambda msg: _record_console(problems, msg))
        page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
        return page

    yield open_page

    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        for c, context in enumerate(contexts):
            for p, page in enumerate(context.pages):
                path = SCREENSHOT_DIR / f"coops-{name}-{c}-{p}.png"
                try:
                    page.screenshot(path=str(path), full_page=True)
                    print(f"screenshot: {path} ({page.url})")
                except Exception as error:  # a crashed page must not hide the real failure
                    print(f"no screenshot for {page.url}: {error}")
    for context in contexts:
        context.close()


def _record_console(problems: list, message) -> None:
    if message.type != "error":
        return
    where = (message.location or {}).get("url", "")
    if where.endswith("/favicon.ico"):  # browsers ask for it; the site does not have one
        return
    problems.append(f"{message.text} ({where})")


def console_problems(page) -> list[str]:
    """Console errors (CSP refusals, failed loads) and uncaught exceptions so far."""
    return list(_PROBLEMS.get(page, []))


@pytest.fixture
def sign_in_as(live_server) -> Callable:
    """`sign_in_as(page, user)`: a session for `user` in the page's browser, no login form."""
    from django.test import Client

    def give_session(page, user) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
        )

    return give_session


@pytest.fixture
def page(new_page):
    """A French-speaking visitor's page."""
    return new_page()


# --- journeys' building blocks -----------------------------------------------------------


BLANK_TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNk+A8AAQUBAScY42YAAAAASUVORK5CYII="
)
TILES = "https://tile.openstreetmap.org/**"


def offline_tiles(page):
    """Map tiles are answered locally (a blank image): no network in tests."""
    page.route(TILES, lambda route: route.fulfill(body=BLANK_TILE, content_type="image/png"))
    return page


def tr(message: str, language: str = "fr", **params) -> str:
    """What the site shows for an English msgid in a language (its own catalogues)."""
    with translation.override(language):
        text = translation.gettext(message)
    return text % params if params else text


def assert_translated(message: str, language: str = "fr") -> str:
    """The msgid's translation, failing if the catalogue has none (French first)."""
    text = tr(message, language)
    assert text != message, f"no {language} translation for {message!r}: fill the .po file"
    return text


def form_with(page, field: str):
    """The form in <main> holding the named field (the header has other forms)."""
    return page.locator("main form").filter(has=page.locator(f"[name='{field}']")).first


def submit(form) -> None:
    """Click the form's own first submit button (not one that submits another form)."""
    form.locator("button[type=submit]:not([form]), input[type=submit]:not([form])").first.click()


def signup(page, email: str, password: str) -> None:
    """Fill allauth's signup form and submit it."""
    page.goto("/accounts/signup/")
    form = form_with(page, "password1")
    form.locator("input[name=email]").fill(email)
    form.locator("input[name=password1]").fill(password)
    password2 = form.locator("input[name=password2]")
    if password2.count():
        password2.fill(password)
    submit(form)
    page.wait_for_load_state()


def login(page, email: str, password: str) -> None:
    """Sign in through the login form and wait until signed in."""
    page.goto("/accounts/login/")
    form = form_with(page, "login")
    form.locator("input[name=login]").fill(email)
    form.locator("input[name=password]").fill(password)
    submit(form)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    assert_signed_in(page)


def logout(page) -> None:
    """Use the header's log-out button."""
    page.locator("header form[action*='logout'] button[type=submit]").click()
    page.wait_for_load_state()
    if "/accounts/logout/" in page.url:  # allauth's confirmation page, if any
        submit(page.locator("main form").first)
    assert_signed_out(page)


def assert_signed_in(page) -> None:
    expect(page.locator("header form[action*='logout']")).to_have_count(1)


def assert_signed_out(page) -> None:
    expect(page.locator("header a[href*='/accounts/login/']")).to_have_count(1)


def unread_badge(page):
    return page.locator("header [data-testid=unread-count]")


# --- email -------------------------------------------------------------------------------


def wait_for_email(to: str, *, after: int = 0, timeout: float = TIMEOUT_MS / 1000):
    """The first email to `to` among those sent after the first `after` ones.

    Emails are sent by the live server's thread (locmem backend, immediate tasks).
    """
    deadline = time.monotonic() + timeout
    while True:
        for message in list(mail.outbox)[after:]:
            if to in message.to:
                return message
        if time.monotonic() > deadline:
            sent = [(m.to, m.subject) for m in mail.outbox]
            pytest.fail(f"no email to {to} after #{after}; sent: {sent}", pytrace=False)
        time.sleep(0.05)


def link_in(message, path_pattern: str) -> str:
    """The path (and query) of the first link in the email whose path matches the pattern.

    Only the path is kept: the host in emails may be SITE_URL, not the live server.
    """
    bodies = [message.body] + [content for content, _ in getattr(message, "alternatives", [])]
    for body in bodies:
        for url in re.findall(r"https?://[^\s\"'<>]+", body):
            path = re.sub(r"^https?://[^/]+", "", url)
            if re.search(path_pattern, path):
                return path
    pytest.fail(f"no link matching {path_pattern!r} in:\n{message.body}", pytrace=False)


# --- accessibility -----------------------------------------------------------------------


def axe_check(page, *, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """Run axe-core (WCAG 2.0/2.1 A and AA) on the page; fail on serious or critical issues.

    The site's CSP forbids inline scripts, so axe is evaluated through the DevTools
    protocol rather than injected as a <script>. Returns every violation found.
    """
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `make setup` (npm ci)", pytrace=False)
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;undefined")
    violations = page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return results.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map((n) => ({
                    target: n.target.join(" "), html: n.html, summary: n.failureSummary,
                })),
            }));
        }""",
        AXE_TAGS,
    )
    blocking = [v for v in violations if v["impact"] in impacts]
    if blocking:
        lines = [f"axe: {len(blocking)} serious/critical violation(s) on {page.url}"]
        for v in blocking:
            lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
            for node in v["nodes"]:
                lines.append(f"    target: {node['target']}")
                lines.append(f"      html: {node['html'][:200]}")
                lines.append("      " + (node["summary"] or "").replace("\n", "\n      "))
        pytest.fail("\n".join(lines), pytrace=False)
    return violations
