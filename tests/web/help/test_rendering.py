"""render_markdown: Markdown becomes HTML, and nothing executable survives."""

from __future__ import annotations

import re
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from search.model import Article, FaqEntry
from web.rendering import lead_markdown, plain_text, render_entry, render_lead, render_markdown

EVENT_ATTR = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)


def test_markdown_becomes_html_markup():
    html = render_markdown("Текст с **жирным** и [ссылкой](/a/support/x).\n\n- один\n- два")
    assert isinstance(html, Markup)
    assert "<strong>жирным</strong>" in html
    assert '<a href="/a/support/x" rel="noopener noreferrer">ссылкой</a>' in html
    assert "<ul>" in html and "<li>один</li>" in html


def test_script_tags_are_removed_with_their_content():
    html = render_markdown('До<script>alert("x")</script>после\n\n<script src="/evil.js"></script>')
    assert "<script" not in html.lower()
    assert "alert" not in html
    assert "До" in html and "после" in html


def test_inline_event_handlers_are_removed():
    html = render_markdown(
        '<img src="/static/a.png" onerror="alert(1)" alt="a">\n\n'
        '<a href="https://example.com" onclick="alert(2)" onMouseOver="alert(3)">x</a>'
    )
    assert not EVENT_ATTR.search(html)
    assert "alert" not in html
    assert '<img src="/static/a.png" alt="a">' in html


def test_javascript_and_data_links_are_removed():
    html = render_markdown(
        "[плохо](javascript:alert(1)) <a href=' JaVaScRiPt:alert(2)'>тоже</a> "
        '<a href="data:text/html,<script>alert(3)</script>">data</a> '
        "[почта](mailto:help@example.com)"
    )
    assert "javascript" not in html.lower()
    assert "data:" not in html
    assert 'href="mailto:help@example.com"' in html
    assert "плохо" in html and "тоже" in html


def test_styles_iframes_and_forms_are_removed():
    html = render_markdown(
        '<div style="position:fixed">текст</div><style>body{display:none}</style>'
        '<iframe src="https://example.com"></iframe><form action="/x"><input name="a"></form>'
    )
    for bad in ("style", "<iframe", "<form", "<input", "display:none"):
        assert bad not in html
    assert "текст" in html


def test_h1_in_a_body_becomes_h2_under_the_page_title():
    html = render_markdown("# Заголовок\n\nТекст")
    assert "<h1" not in html
    assert "<h2>Заголовок</h2>" in html


def test_tables_and_code_render():
    html = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n\n```\nкод <b>\n```")
    assert "<table>" in html and "<td>1</td>" in html
    assert "<pre><code>код &lt;b&gt;" in html


def test_empty_text_renders_empty():
    assert render_markdown("") == Markup("")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "<script>alert(1)</script>",
                "<img src=x onerror=alert(1)>",
                "[x](javascript:alert(1))",
                '<a href="javascript:void(0)" onclick="x()">',
                "<svg onload=alert(1)>",
                "<ScRiPt>",
                "**текст**",
                "\n\n",
                "- пункт\n",
                "<",
                ">",
                '"',
                "onload=",
                "обычный текст ",
            ]
        ),
        max_size=12,
    ).map("".join)
)
def test_nothing_executable_survives_any_mix(text):
    html = render_markdown(text).lower()
    assert "<script" not in html
    assert "javascript:" not in html
    assert not EVENT_ATTR.search(html)
    assert "<svg" not in html


def test_lead_is_the_first_paragraph():
    body = "Первый абзац ответа.\n\nВторой абзац.\n\nТретий."
    assert lead_markdown(body) == "Первый абзац ответа."


def test_lead_keeps_the_list_a_colon_introduces():
    body = "Сделайте так:\n\n1. Шаг один.\n2. Шаг два.\n\nПотом остальное."
    assert lead_markdown(body) == "Сделайте так:\n\n1. Шаг один.\n2. Шаг два."


def test_long_lead_is_cut_at_a_word():
    lead = lead_markdown("слово " * 300, max_chars=100)
    assert len(lead) <= 101
    assert lead.endswith("слово…")


def test_entry_rendering_is_cached_per_body():
    first = FaqEntry(id="c/a", title="Q", body="Ответ **раз**", category="c")
    same = FaqEntry(id="c/a", title="Q", body="Ответ **раз**", category="c")
    edited = FaqEntry(id="c/a", title="Q", body="Ответ **два**", category="c")
    assert render_entry(first) is render_entry(same)
    assert "<strong>два</strong>" in render_entry(edited)


def test_render_lead_of_an_article():
    article = Article(
        id="c/b",
        title="T",
        body="<script>x()</script>Что сделать:\n\n- шаг\n\nДальше.",
        category="c",
        updated=date(2026, 11, 27),
    )
    lead = render_lead(article)
    assert "<script" not in lead
    assert "<li>шаг</li>" in lead
    assert "Дальше" not in lead


def test_plain_text_strips_markup_and_cuts():
    assert plain_text("**Жирный** [текст](/a/x) & <b>ещё</b>") == "Жирный текст & ещё"
    assert plain_text("слово " * 100, max_chars=20).endswith("…")


def test_commonmark_style_nested_lists_render_as_lists():
    html = render_markdown("7. Заполните форму:\n   - описание;\n   - штрихкод.\n8. Отправьте.")
    assert "<li>описание;</li>" in html and "<li>Отправьте.</li>" in html
    assert html.count("<ol") == 1 and html.count("<ul>") == 1


def test_a_list_right_under_its_lead_in_line_is_a_list():
    html = render_markdown("Что важно:\n- первое;\n- второе.\n\n```\n- не список\n```")
    assert "<p>Что важно:</p>" in html and "<li>первое;</li>" in html
    assert "<pre><code>- не список" in html
