"""Unit rules of the new-dialog form: description, barcode (EAN check digit), file types."""

from __future__ import annotations

import io
import os
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import FileStorage

from web.dialogs.forms import description_error, ean_check_digit_ok, parse_barcode
from web.dialogs.kept_uploads import sweep_pending
from web.dialogs.uploads import (
    FileRefused,
    Staging,
    check_upload,
    clean_name,
    detect_kind,
    extension,
    sweep_stale_parts,
)

MB = 1024 * 1024


@pytest.mark.parametrize(
    "text",
    ["", "помогите", "не работает", "Где деньги???", "очень очень очень"],
)
def test_too_short_descriptions_are_refused(text):
    assert description_error(text) is not None


def test_a_sentence_is_enough():
    assert description_error("Не пришла оплата за поставку от 12 ноября") is None


@pytest.mark.parametrize("code", ["4006381333931", "96385074", "5012345678900", "2000000000015"])
def test_valid_ean_check_digits(code):
    assert ean_check_digit_ok(code)
    assert parse_barcode(code) == (code, None)


def _check_digit(body: str) -> int:
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_any_single_wrong_check_digit_is_caught(body):
    good = body + str(_check_digit(body))
    assert parse_barcode(good) == (good, None)
    bad = body + str((_check_digit(body) + 1) % 10)
    value, error = parse_barcode(bad)
    assert value is None and "контрольная" in error


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("40063813339ab", "только цифры"),
        ("１２３４５６７８", "только цифры"),  # full-width digits are not barcode digits
        ("1234567", "от 8 до 14"),
        ("123456789012345", "от 8 до 14"),
        ("4006381333932", "EAN-13"),
        ("96385075", "EAN-8"),
    ],
)
def test_bad_barcodes_get_a_clear_message(raw, fragment):
    value, error = parse_barcode(raw)
    assert value is None
    assert fragment in error


def test_barcode_spaces_are_dropped_and_other_lengths_taken_as_is():
    assert parse_barcode(" 4006 3813 3393 1 ") == ("4006381333931", None)
    assert parse_barcode("1234567890") == ("1234567890", None)  # internal code, no check
    assert parse_barcode("") == (None, None)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("invoice.pdf", "pdf"),
        ("photo.png", "png"),
        ("defect.jpg", "jpg"),
        ("claim.docx", "docx"),
        ("report.xlsx", "xlsx"),
        ("table.xls", "xls"),
        ("photos.zip", "zip"),
        ("letter-renamed.xls", "ole"),
        ("setup.exe", None),
    ],
)
def test_detect_kind_by_content(sample_files, name, kind):
    with open(sample_files / name, "rb") as handle:
        assert detect_kind(handle) == kind


def _storage(path, name=None) -> FileStorage:
    return FileStorage(io.BytesIO(path.read_bytes()), filename=name or path.name)


@pytest.mark.parametrize(
    ("name", "as_name"),
    [
        ("invoice.pdf", None),
        ("defect.jpg", "defect.JPEG"),
        ("claim.docx", None),
        ("claim.docx", "claim.zip"),  # a DOCX is a ZIP
        ("report.xlsx", None),
        ("table.xls", None),
        ("photo.png", None),
    ],
)
def test_allowed_files_are_accepted(sample_files, name, as_name):
    checked = check_upload(_storage(sample_files / name, as_name), 10 * MB)
    assert checked.size == (sample_files / name).stat().st_size


@pytest.mark.parametrize(
    ("name", "as_name", "fragment"),
    [
        ("setup.exe", None, "«.exe» не принимаются"),
        ("setup-renamed.pdf", None, "не похоже на PDF"),
        ("setup-renamed.jpg", None, "не похоже на JPG"),
        ("letter-renamed.xls", None, "не похоже на XLS"),
        ("archive-renamed.docx", None, "не похоже на DOCX"),
        ("invoice.pdf", "invoice", "без расширения"),
        ("photo.png", "photo.jpg", "не похоже на JPG"),
    ],
)
def test_wrong_files_are_refused_with_the_reason(sample_files, name, as_name, fragment):
    with pytest.raises(FileRefused) as refused:
        check_upload(_storage(sample_files / name, as_name), 10 * MB)
    assert fragment in refused.value.reason


def test_size_limit_and_empty_files():
    big = FileStorage(io.BytesIO(b"%PDF-1.4\n" + b"0" * (2 * MB)), filename="big.pdf")
    with pytest.raises(FileRefused, match="не больше 1 МБ"):
        check_upload(big, 1 * MB)
    with pytest.raises(FileRefused, match="пустой"):
        check_upload(FileStorage(io.BytesIO(b""), filename="empty.pdf"), MB)


def test_names_are_cleaned():
    assert clean_name("../../etc/passwd.pdf") == "passwd.pdf"
    assert clean_name("C:\\Users\\me\\акт.pdf") == "акт.pdf"
    assert clean_name("a\x00b\nc.pdf") == "abc.pdf"
    assert clean_name("") == "файл"
    assert len(clean_name("я" * 500 + ".pdf")) <= 200
    assert extension(".pdf") == "" and extension("a.PDF") == "pdf"


def test_staging_promotes_or_discards_everything(tmp_path, sample_files):
    checked = check_upload(_storage(sample_files / "invoice.pdf"), MB)
    staging = Staging(tmp_path)
    stored = staging.stage(checked)
    assert [p.name for p in tmp_path.iterdir()] == [stored + ".part"]
    staging.promote()
    assert [p.name for p in tmp_path.iterdir()] == [stored]
    staging.discard()
    assert list(tmp_path.iterdir()) == []


def test_stale_parts_are_swept(tmp_path):
    old = tmp_path / "abc.part"
    old.write_bytes(b"x")
    fresh = tmp_path / "def.part"
    fresh.write_bytes(b"x")
    past = time.time() - 7200
    os.utime(old, (past, past))
    assert sweep_stale_parts(tmp_path, 3600) == 1
    assert not old.exists() and fresh.exists()


def test_kept_files_nobody_came_back_for_are_swept(tmp_path):
    old, fresh = tmp_path / ("a" * 32), tmp_path / ("b" * 32)
    for path in (old, fresh, old.with_suffix(".json")):
        path.write_bytes(b"x")
    past = time.time() - 2 * 24 * 3600
    os.utime(old, (past, past))
    os.utime(old.with_suffix(".json"), (past, past))
    assert sweep_pending(tmp_path) == 2
    assert [p.name for p in tmp_path.iterdir()] == [fresh.name]
