"""Unit tests of the content store: YAML style, atomic writes, validation, renames."""

from __future__ import annotations

import os

import pytest
import yaml

from web.editor.faq_yaml import topic_lists
from web.editor.files import (
    Change,
    Snapshot,
    atomic_write,
    dump_yaml,
    redirects_text,
    relink,
    rewrite_yaml,
    validate,
)


def test_dump_yaml_writes_markdown_as_literal_blocks():
    text = dump_yaml({"id": "a/b", "tags": ["x", "y"], "answer": "Строка   \n\n- пункт\n"})
    assert text == "id: a/b\ntags: [x, y]\nanswer: |\n  Строка\n\n  - пункт\n"
    assert yaml.safe_load(text)["answer"] == "Строка\n\n- пункт\n"


def test_dump_yaml_never_folds_long_lines():
    long = "слово " * 100
    assert "\n" not in dump_yaml({"question": long.strip()}).rstrip("\n")


def test_rewrite_keeps_the_header_comment():
    old = "# Заголовок\n# вторая строка\nredirects: {}\n"
    assert rewrite_yaml(old, {"redirects": {"a/b": "a/c"}}).startswith(
        "# Заголовок\n# вторая строка\n"
    )


def test_atomic_write_replaces_and_leaves_no_temp_files(tmp_path):
    path = tmp_path / "kb" / "file.yaml"
    atomic_write(path, "первая версия\n")
    os.chmod(path, 0o640)
    atomic_write(path, "вторая версия\n")
    assert path.read_text(encoding="utf-8") == "вторая версия\n"
    assert path.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in path.parent.iterdir()] == ["file.yaml"]


def test_atomic_write_failure_keeps_the_old_file(tmp_path):
    path = tmp_path / "file.md"
    atomic_write(path, "старое\n")
    with pytest.raises(UnicodeEncodeError):
        atomic_write(path, "новое \udc80 с битым символом\n")
    assert path.read_text(encoding="utf-8") == "старое\n"
    assert [p.name for p in tmp_path.iterdir()] == ["file.md"]


def test_relink_touches_only_the_renamed_id():
    text = "[a](/a/support/help) [b](/a/support/help-center) [c](/a/support/help#x) [d](/q/support/help)"
    assert relink(text, "article", "support/help", "support/new") == (
        "[a](/a/support/new) [b](/a/support/help-center) [c](/a/support/new#x) [d](/q/support/help)"
    )


def test_redirects_follow_chains_and_free_the_new_id(tmp_path):
    (tmp_path / "kb").mkdir()
    (tmp_path / "kb/redirects.yaml").write_text(
        "# header\nredirects:\n  a/old: a/mid\n  a/new: a/other\n", encoding="utf-8"
    )
    data = yaml.safe_load(redirects_text(Snapshot(tmp_path), "a/mid", "a/new"))["redirects"]
    assert data == {"a/old": "a/new", "a/mid": "a/new"}


def test_topic_lists_keep_position_and_move_between_topics():
    text = (
        "categories:\n  - id: c\n    name: C\n    topics:\n"
        "      - id: t1\n        name: T1\n        faq: [c/a, c/b, c/c]\n"
        "      - id: t2\n        name: T2\n        faq: []\n"
    )
    renamed = topic_lists(text, "c/bb", ("c", "t1"), "c/b", "c")
    assert "faq: [c/a, c/bb, c/c]" in renamed
    assert renamed.replace("c/bb", "c/b") == text  # only that line changed
    moved = yaml.safe_load(topic_lists(text, "c/b", ("c", "t2"), "c/b", "c"))
    topics = moved["categories"][0]["topics"]
    assert topics[0]["faq"] == ["c/a", "c/c"] and topics[1]["faq"] == ["c/b"]
    dropped = yaml.safe_load(topic_lists(text, "c/b", None, "c/b", "c"))
    assert dropped["categories"][0]["topics"][0]["faq"] == ["c/a", "c/c"]


def test_validate_reports_only_new_problems(editor_content):
    broken = editor_content / "articles/support/help-center.md"
    broken.write_text(
        broken.read_text(encoding="utf-8") + "\n[x](/a/support/gone)\n", encoding="utf-8"
    )
    change = Change(writes={"kb/glossary.yaml": "groups:\n  - [один, одна]\n"})
    assert validate(editor_content, change) == []
    bad = Change(writes={"kb/glossary.yaml": "groups:\n  - [одиночка]\n"})
    [problem] = validate(editor_content, bad)
    assert problem.path == "kb/glossary.yaml" and problem.line == 2
