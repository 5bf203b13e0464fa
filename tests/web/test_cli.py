"""The `spravka` command line: check, index, export."""

from __future__ import annotations

import json

from click.testing import CliRunner

from tests.conftest import FIXTURES, PROJECT
from web.cli import main


def _run(args, tmp_path, content=PROJECT):
    env = {"SPRAVKA_INSTANCE": str(tmp_path / "instance"), "SPRAVKA_CONTENT": str(content)}
    return CliRunner().invoke(main, args, env=env)


def test_check_passes_on_shipped_content(tmp_path):
    result = _run(["check", "--strict"], tmp_path)
    assert result.exit_code == 0, result.output
    assert "content OK" in result.output


def test_check_prints_path_line_message_and_fails(tmp_path):
    result = _run(["check"], tmp_path, FIXTURES / "broken")
    assert result.exit_code == 1
    assert "kb/faq/support.yaml:9: missing field 'answer'" in result.output


def test_index_builds_a_live_generation(tmp_path):
    result = _run(["index"], tmp_path)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "instance" / "index" / "CURRENT").exists()


def test_export_writes_every_published_entry_as_json_lines(tmp_path):
    result = _run(["export"], tmp_path)
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert {"id", "kind", "title", "text", "category", "topic", "url"} == set(rows[0])
    assert "support/help-center" in {r["id"] for r in rows}


def test_export_refuses_broken_content(tmp_path):
    result = _run(["export"], tmp_path, FIXTURES / "broken")
    assert result.exit_code != 0
    assert "spravka check" in result.output
