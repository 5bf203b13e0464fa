"""The new-dialog and message forms: parsing and validation with messages in Russian."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from werkzeug.datastructures import FileStorage, MultiDict

from search.model import Category, Topic
from web.dialogs.store import DialogDraft
from web.dialogs.uploads import CheckedFile, FileRefused, check_uploads, max_files
from web.russian import strip_controls
from web.search_service import engine

# «Не работает» or «помогите» tells support nothing; twenty characters and three words is
# the shortest text that can name a thing and what is wrong with it («Не пришла оплата
# за поставку»), yet it does not make sellers pad the text.
DESCRIPTION_MIN_CHARS = 20
DESCRIPTION_MIN_WORDS = 3
DESCRIPTION_MAX_CHARS = 5000
MESSAGE_MAX_CHARS = 5000
# GTIN lengths carry a check digit; the form verifies it for EAN-8 and EAN-13 (what sellers
# print on labels), other lengths of 8–14 digits are internal codes and are taken as is.
BARCODE_MIN, BARCODE_MAX = 8, 14
_WORD = re.compile(r"\w+")


@dataclass
class FormErrors:
    """Problems per field plus refused files (each with its reason)."""

    fields: dict[str, str] = field(default_factory=dict)
    files: list[FileRefused] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.fields or self.files)


def clean_text(text: str | None, limit: int) -> str:
    """Text without control characters and surrounding space, cut at `limit`."""
    return strip_controls(text or "").replace("\r\n", "\n").strip()[:limit]


def description_error(text: str) -> str | None:
    """Why a description is too short to act on, or None when it will do."""
    if not text:
        return "Опишите ситуацию: без описания поддержка не сможет помочь."
    if len(text) < DESCRIPTION_MIN_CHARS or len(_WORD.findall(text)) < DESCRIPTION_MIN_WORDS:
        return (
            "Опишите подробнее — хотя бы одно предложение: что случилось, с каким товаром "
            f"или поставкой (не меньше {DESCRIPTION_MIN_CHARS} символов)."
        )
    return None


def ean_check_digit_ok(digits: str) -> bool:
    """True when the last digit of an EAN-8/EAN-13 (any GTIN) is its GS1 check digit."""
    body = [int(d) for d in digits[:-1]]
    # Weights 3,1,3,1… from the rightmost digit of the body.
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == int(digits[-1])


def parse_barcode(raw: str | None) -> tuple[str | None, str | None]:
    """(barcode, error): spaces are dropped; digits only, 8–14, EAN check digit verified."""
    value = re.sub(r"[\s-]", "", raw or "")
    if not value:
        return None, None
    if not value.isascii() or not value.isdigit():
        return None, "Штрихкод — только цифры, без букв и других знаков."
    if not BARCODE_MIN <= len(value) <= BARCODE_MAX:
        return None, (
            f"В штрихкоде должно быть от {BARCODE_MIN} до {BARCODE_MAX} цифр, "
            f"а введено {len(value)}."
        )
    if len(value) in (8, 13) and not ean_check_digit_ok(value):
        return None, (
            f"Штрихкод EAN-{len(value)} набран с ошибкой: не сходится контрольная (последняя) "
            "цифра. Сверьте цифры с этикеткой товара."
        )
    return value, None


def find_category(category_id: str | None) -> Category | None:
    """The category with this id in the current content, or None."""
    return engine().content.categories.get(category_id or "")


def find_topic(category: Category | None, topic_id: str | None) -> Topic | None:
    """The topic of `category` with this id, or None."""
    return category.topic(topic_id or "") if category else None


def place_errors(category_id: str | None, topic_id: str | None) -> dict[str, str]:
    """What is wrong with the chosen category and topic: nothing chosen, or an id that is
    not (or no longer) in the content, e.g. from a page opened before the content changed."""
    category = find_category(category_id)
    if category is None:
        if category_id:
            return {"category": "Такой категории больше нет — выберите категорию из списка."}
        return {"category": "Выберите категорию вопроса."}
    if category.topics and find_topic(category, topic_id) is None:
        if topic_id:
            return {"topic": "Такой темы больше нет — выберите тему из списка."}
        return {"topic": "Выберите тему вопроса."}
    return {}


def step_errors(values: MultiDict, step: str, errors: FormErrors | None) -> FormErrors:
    """The errors to show on this step of the new-dialog form.

    The category and topic steps point out only their own choice (the details are checked
    again on the details step, where their fields are). Besides a refused «Начать диалог»
    (`errors` given), a GET is a failed step when its «Далее» was pressed with nothing
    chosen (`step=` is that button's value) or it names a category or topic that is not
    in the content (a stale page or link).
    """
    if step == "details":
        return errors or FormErrors()
    failed = errors is not None or values.get("step") == step or bool(values.get(step))
    problems = place_errors(values.get("category"), values.get("topic")) if failed else {}
    return FormErrors(fields={name: text for name, text in problems.items() if name == step})


def parse_new_dialog(
    form: MultiDict, files: list[FileStorage], room: int | None = None, used_bytes: int = 0
) -> tuple[DialogDraft, FormErrors]:
    """Read and check the new-dialog form; `room` is how many more files may be attached
    (MAX_FILES unless given)."""
    draft = DialogDraft(
        category=clean_text(form.get("category"), 64),
        topic=clean_text(form.get("topic"), 64) or None,
        description=clean_text(form.get("description"), DESCRIPTION_MAX_CHARS),
        confirm_new=form.get("confirm_new") == "1",
    )
    errors = FormErrors(fields=place_errors(draft.category, draft.topic))
    if (problem := description_error(draft.description)) is not None:
        errors.fields["description"] = problem
    draft.barcode, barcode_problem = parse_barcode(form.get("barcode"))
    if barcode_problem:
        errors.fields["barcode"] = barcode_problem
    draft.files, errors.files = check_uploads(files, room, used_bytes)
    return draft, errors


def parse_message(
    form: MultiDict, files: list[FileStorage], kept: int = 0, used_bytes: int = 0
) -> tuple[str, list[CheckedFile], FormErrors]:
    """Read a message form (text and files; `kept` files already wait): one of them is needed."""
    # The duplicate warning posts the new-dialog form here, so its description counts too.
    body = clean_text(form.get("body") or form.get("description"), MESSAGE_MAX_CHARS)
    # …and so does its barcode, which would otherwise be dropped on the way.
    barcode = parse_barcode(form.get("barcode"))[0]
    if barcode and barcode not in body:
        body = f"{body}\n\nШтрихкод товара: {barcode}".strip()
    accepted, refused = check_uploads(files, max_files() - kept, used_bytes)
    errors = FormErrors(files=refused)
    if not body and not accepted and not refused and not kept:
        errors.fields["body"] = "Напишите сообщение или прикрепите файл."
    return body, accepted, errors
