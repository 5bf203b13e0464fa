"""The category and topic steps of the new-dialog form after a failed submit: one error
summary (role="alert", the shared partial the details step uses) that links to the field."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from tests.dialog_helpers import create


def _summary(page: str) -> str:
    """The error summary's HTML (the test fails when there is none)."""
    match = re.search(r'<div class="error-summary"[^>]*>.*?</div>', page, re.S)
    assert match, page[:2000]
    return match.group(0)


def _links(summary: str) -> list[str]:
    return re.findall(r'<a href="#([^"]+)">', summary)


@pytest.mark.parametrize(
    ("url", "target", "message"),
    [
        ("/dialogs/new?step=category", "category-option-returns", "Выберите категорию вопроса."),
        (
            "/dialogs/new?category=gone&step=category",
            "category-option-returns",
            "Такой категории больше нет",
        ),
        # «Найти» left one category on screen: the link goes to a radio that is shown.
        (
            "/dialogs/new?find=" + quote("поставки") + "&step=category",
            "category-option-supplies",
            "Выберите категорию вопроса.",
        ),
        ("/dialogs/new?category=returns&step=topic", "topic-option-defects", "Выберите тему"),
        ("/dialogs/new?category=returns&topic=gone", "topic-option-defects", "Такой темы больше"),
    ],
    ids=["no-category", "stale-category", "filtered", "no-topic", "stale-topic"],
)
def test_failed_step_shows_a_summary_linking_to_its_radios(seller, url, target, message):
    page = seller.get(url).get_data(as_text=True)
    summary = _summary(page)
    assert 'role="alert"' in summary and "data-error-summary" in summary
    assert 'tabindex="-1"' in summary  # dialogs.js can focus it
    assert message in summary
    assert _links(summary) == [target]
    assert f'id="{target}"' in page  # the link lands on a radio of the step
    field = "topic" if "topic-option" in target else "category"
    assert f'aria-describedby="{field}-error"' in page  # the message stays beside the field
    assert page.count('role="alert"') == 1  # announced once


@pytest.mark.parametrize(
    "url",
    [
        "/dialogs/new",
        "/dialogs/new?find=" + quote("поставки"),  # «Найти» is not a failed «Далее»
        "/dialogs/new?category=returns",
        "/dialogs/new?category=returns&step=category",  # chosen: on to the topic step
    ],
    ids=["first-visit", "find", "topic-step", "category-chosen"],
)
def test_choosing_without_a_failed_submit_shows_no_error(seller, url):
    page = seller.get(url).get_data(as_text=True)
    assert "data-error-summary" not in page
    assert "form-error" not in page


def test_refused_create_with_a_stale_category_points_to_the_category_only(seller):
    response = create(seller, category="gone", description="ой", barcode="123")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="category-picker"' in page
    summary = _summary(page)
    assert "Такой категории больше нет" in summary
    # The description and barcode are not on this step: checked again on the details step.
    assert _links(summary) == ["category-option-returns"]
    assert "исправьте 1 ошибку" in summary


def test_refused_create_without_a_topic_points_to_the_topic(seller):
    response = create(seller, topic="")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="topic-picker"' in page
    assert _links(_summary(page)) == ["topic-option-defects"]
