"""axe-core finds nothing and no page scrolls sideways, on every page, for every role, at
1366 px and 360 px, with several dialogs, long texts and files in the database."""

from __future__ import annotations

import json

import pytest

from tests.browser.site_walk import LIVE_SETTINGS, login, seed, walk

ROLES = ("guest", "seller", "agent", "editor")


@pytest.fixture(scope="module")
def live_app_config(live_app_config) -> dict:
    """The shipped content on a fresh database; fast password hashes; CSRF stays on."""
    return {**live_app_config, **LIVE_SETTINGS}


@pytest.fixture(scope="module")
def seeded(live_server):
    """Accounts, dialogs (files, an answer) and searches on the live server."""
    return seed(live_server.app)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_passes_axe_and_fits_360px(browser, live_server, seeded, role, artifacts_dir):
    context = browser.new_context(locale="ru-RU")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        login(page, live_server.url, role)
        report = walk(page, live_server.url, role, seeded)
    finally:
        context.close()
    out = artifacts_dir / "a11y"
    out.mkdir(exist_ok=True)
    (out / f"{role}.json").write_text(json.dumps(report, ensure_ascii=False, indent=1))
    bad = {
        name: result
        for name, result in report.items()
        if result["violations"] or result["overflow"] > 0 or result["cut"]
    }
    assert not bad, json.dumps(bad, ensure_ascii=False, indent=1)
