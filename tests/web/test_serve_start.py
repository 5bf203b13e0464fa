"""`spravka serve` start-up: broken content, the last good index, an unreachable database,
the start-up lock, and processes following each other's index through CURRENT."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from click.testing import CliRunner

from search.engine import SearchEngine
from tests.conftest import FIXTURES
from tests.web.test_serving import _free_port, _wait_until_up
from web.cli import main
from web.serving import startup_lock

BROKEN = FIXTURES / "broken"


def test_serve_refuses_broken_content_naming_file_and_line(tmp_path):
    env = {"SPRAVKA_INSTANCE": str(tmp_path / "i"), "SPRAVKA_CONTENT": str(BROKEN)}
    result = CliRunner().invoke(main, ["serve"], env=env)
    assert result.exit_code == 1
    assert "kb/faq/support.yaml:9: missing field 'answer'" in result.output
    assert "--serve-last-good" in result.output
    assert not (tmp_path / "i" / "index" / "CURRENT").exists()  # no partial index either


def test_serve_last_good_needs_a_good_index(tmp_path):
    env = {"SPRAVKA_INSTANCE": str(tmp_path / "i"), "SPRAVKA_CONTENT": str(BROKEN)}
    result = CliRunner().invoke(main, ["serve", "--serve-last-good"], env=env)
    assert result.exit_code == 1 and "no index was ever built" in result.output


def _serve_env(tmp_path, content: Path, index: Path, **extra) -> dict:
    return {
        **os.environ,
        "SPRAVKA_INSTANCE": str(tmp_path / "instance"),
        "SPRAVKA_CONTENT": str(content),
        "SPRAVKA_INDEX_DIR": str(index),
        "SPRAVKA_DEMO_ACCOUNTS": "0",
        **extra,
    }


def test_serve_last_good_serves_the_old_index_and_logs_the_errors(
    tmp_path, helpcenter_content_root, helpcenter_index_dir
):
    content, index = tmp_path / "content", tmp_path / "index"
    shutil.copytree(helpcenter_content_root, content)
    shutil.copytree(helpcenter_index_dir, index)
    faq = next((content / "kb" / "faq").glob("*.yaml"))
    faq.write_text(faq.read_text(encoding="utf-8") + "\n  - question: [broken\n", "utf-8")
    port = _free_port()
    log = tmp_path / "serve.log"
    command = [sys.executable, "-m", "web.cli", "serve", "--port", str(port), "--workers", "1"]
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [*command, "--serve-last-good"],
            env=_serve_env(tmp_path, content, index),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(process, f"http://127.0.0.1:{port}", log)
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/search?q=%D0%BE%D0%B1%D1%80"
        ) as response:
            assert response.status == 200
        assert f"kb/faq/{faq.name}:" in log.read_text()
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_serve_with_the_database_unreachable_prints_one_line(
    tmp_path, helpcenter_content_root, helpcenter_index_dir
):
    index = tmp_path / "index"
    shutil.copytree(helpcenter_index_dir, index)
    closed = f"postgresql+psycopg://postgres:secret@127.0.0.1:{_free_port()}/test"
    env = _serve_env(tmp_path, helpcenter_content_root, index, SPRAVKA_DATABASE_URL=closed)
    result = subprocess.run(
        [sys.executable, "-m", "web.cli", "serve", "--port", str(_free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert lines[0].startswith("Spravka: база данных недоступна (postgresql+psycopg://")
    assert "secret" not in lines[0] and "Traceback" not in lines[0]


def test_the_startup_lock_admits_one_process_at_a_time(tmp_path):
    order: list[str] = []

    def hold(name: str) -> None:
        with startup_lock(tmp_path):
            order.append(f"{name} in")
            time.sleep(0.2)
            order.append(f"{name} out")

    # flock locks belong to open files, so two threads behave like two processes here.
    threads = [threading.Thread(target=hold, args=(n,)) for n in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert order in (["a in", "a out", "b in", "b out"], ["b in", "b out", "a in", "a out"])


def test_a_process_follows_an_index_another_process_published(tmp_path, helpcenter_content_root):
    content, index = tmp_path / "content", tmp_path / "index"
    shutil.copytree(helpcenter_content_root, content)
    first = SearchEngine(content, index, reload_interval=3600)
    first.ensure_index()
    second = SearchEngine(content, index, reload_interval=3600)
    second.ensure_index()
    assert not second.search("зебромангуст").hits
    article = content / "articles" / "support" / "how-to-write.md"
    article.write_text(article.read_text("utf-8").replace("\n---\n", "\n---\nзебромангуст\n", 1))
    first.rebuild()
    second.maybe_reload()  # one stat of CURRENT, no content walk (the interval is an hour)
    assert second.search("зебромангуст").hits
    assert second._live.generation == first._live.generation  # opened, not rebuilt


def test_broken_content_keeps_serving_the_last_good_index_at_start(
    tmp_path, helpcenter_content_root
):
    content, index = tmp_path / "content", tmp_path / "index"
    shutil.copytree(helpcenter_content_root, content)
    SearchEngine(content, index).ensure_index()
    good = SearchEngine(content, index).store.current()
    article = content / "articles" / "support" / "how-to-write.md"
    article.write_text("---\nid: [broken\n---\n", "utf-8")
    engine = SearchEngine(content, index)
    engine.ensure_index()
    assert engine.store.current() == good  # nothing partial was built
    assert engine.errors and "how-to-write.md" in str(engine.errors[0])
    assert engine.entry("support/how-to-write") is not None  # the last good content


def test_every_editor_page_shows_content_errors_prominently(editor_app, editor_client):
    from web.search_service import engine

    faq = editor_app.config["CONTENT"] + "/kb/faq/support.yaml"
    Path(faq).write_text(Path(faq).read_text("utf-8") + "\n  - question: [broken\n", "utf-8")
    with editor_app.app_context():
        engine().rebuild()
    for url in ("/editor", "/editor/glossary", "/editor/article/new", "/editor/insights"):
        page = editor_client.get(url).get_data(as_text=True)
        assert "content-problems" in page and "kb/faq/support.yaml:" in page, url
        assert "последнюю исправную версию" in page


def test_the_index_is_memory_mapped(engine):
    import mmap

    with engine._live.runner.handle.searcher() as searcher:
        storages = vars(searcher.reader()._storage).values()
        sources = [getattr(s, "_source", None) for s in storages]
    assert any(isinstance(source, mmap.mmap) for source in sources)  # shared page cache
