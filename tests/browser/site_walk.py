"""Every page of the site for every role, with realistic data, checked by axe-core.

`seed(app)` fills a live app the way people would (through its own forms, CSRF on):
sellers with several dialogs (long text, files, an answered one), searches that feed
the insights. `stops(role, data)` lists the pages (and page states, e.g. the home page
with results) a role can reach; `audit(page)` runs axe-core (bundled by
axe-playwright-python, no CDN) and measures sideways overflow.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from axe_playwright_python.sync_playwright import Axe

from web.accounts.services import create_user

PASSWORD = "correct-horse-1"
FILES = Path(__file__).resolve().parents[1] / "fixtures" / "dialogs" / "files"
WIDTHS = (1366, 360)
EMAILS = {
    "seller": "seller@walk.example.com",
    "agent": "agent@walk.example.com",
    "editor": "editor@walk.example.com",
}
LONG_TEXT = (
    "Поставка 4567891 принята не полностью: по акту приёмки 120 единиц, а в остатках 96. "
    "Товар «Куртка демисезонная женская с капюшоном и съёмной подкладкой, размер 46–48» "
    "пропал из остатков после приёмки на складе, ссылка на карточку "
    "https://seller.example.ru/cards/very-long-card-identifier-without-spaces-1234567890"
)
# The walk's live server on top of conftest's settings: fast password hashes (every role
# signs in, often) and room for the dialogs seed() opens.
LIVE_SETTINGS = {"PASSWORD_HASH_METHOD": "scrypt:1024:8:1", "DIALOGS_PER_HOUR": 100}
AXE = Axe()
# Placeholders wider than the room their box leaves for text (padding and clear button).
CUT_PLACEHOLDERS = """() => {
  const ctx = document.createElement('canvas').getContext('2d'); const cut = [];
  for (const input of document.querySelectorAll('input[placeholder]')) {
    if (!input.offsetWidth) continue;
    const st = getComputedStyle(input); ctx.font = st.font;
    const room = input.clientWidth - parseFloat(st.paddingLeft) - parseFloat(st.paddingRight);
    if (ctx.measureText(input.placeholder).width > room + 1) cut.push(input.id || input.name);
  }
  return cut;
}"""


@dataclass
class Stop:
    """One page (or page state) to check: its name in the report, URL and an action."""

    name: str
    path: str
    action: Callable | None = None
    wait_for: str | None = None


@dataclass
class Seeded:
    """What seed() created: dialog numbers of the seller and entry ids to open."""

    dialogs: list[int] = field(default_factory=list)
    answered: int = 0
    article: str = ""
    faq: str = ""
    empty_category: str = ""
    full_category: str = ""


def _token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, html[:500]
    return match.group(1)


def _client(app, email: str):
    """A test client of the live app, signed in through the login form."""
    client = app.test_client()
    token = _token(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


def _open_dialog(client, category: str, topic: str, text: str, files=()) -> int:
    page = client.get(f"/dialogs/new?category={category}&topic={topic}").get_data(as_text=True)
    data = {
        "csrf_token": _token(page),
        "category": category,
        "topic": topic,
        "description": text,
        "barcode": "4600000000008",
        "confirm_new": "1",
        "files": [(io.BytesIO((FILES / name).read_bytes()), name) for name in files],
    }
    response = client.post("/dialogs/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    return int(response.headers["Location"].rsplit("/", 1)[1])


def seed(app) -> Seeded:
    """Accounts, several dialogs with files and an answer, searches for the insights."""
    with app.app_context():
        for role, email in EMAILS.items():
            create_user(email, PASSWORD, role)
    seller = _client(app, EMAILS["seller"])
    guest = app.test_client()
    for query in ("сколько ждать ответа", "ntdfh пропал из остатков", "пропал товар 4600000000008",
                  "как вернуть деньги за подписку", "паспорт 4510 123456 сменить"):  # fmt: skip
        guest.get("/api/search?" + _qs(query, "instant"))
    seeded = Seeded()
    seeded.dialogs = [
        _open_dialog(seller, "stock", "missing", LONG_TEXT, ["invoice.pdf", "photo.png"]),
        _open_dialog(seller, "returns-to-seller", "wrong-item", "Вернули чужой товар, телефон +7 912 345-67-89"),
        _open_dialog(seller, "account", "personal-data", "Сменить паспорт 4510 123456 в профиле"),
        _open_dialog(seller, "support", "response", "Долго нет ответа на обращение, почта a.b@mail.ru"),
    ]  # fmt: skip
    agent = _client(app, EMAILS["agent"])
    answered = seeded.dialogs[2]
    page = agent.get(f"/agent/dialogs/{answered}").get_data(as_text=True)
    seen = re.search(r'name="seen" value="(\d+)"', page).group(1)
    response = agent.post(
        f"/agent/dialogs/{answered}/reply",
        data={"csrf_token": _token(page), "body": "Проверили, данные обновлены.", "seen": seen},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    seeded.answered = answered
    seeded.article = "support/how-to-create-dialog"
    seeded.faq = "support/response-time"
    seeded.empty_category = "finance"
    seeded.full_category = "support"
    return seeded


def _qs(query: str, source: str) -> str:
    return urlencode({"q": query, "source": source})


def type_query(text: str, selector: str = "#q") -> Callable:
    """An action: type into a search box and wait for the results to be painted."""

    def act(page) -> None:
        page.locator(selector).press_sequentially(text, delay=5)
        page.wait_for_function(
            "q => document.querySelector('[data-instant]')?.dataset.renderedQuery === q",
            arg=text,
        )

    return act


def type_description(page) -> None:
    """An action: describe the problem and wait for the live suggestions."""
    page.locator("#description").press_sequentially("пропал товар после приёмки", delay=5)
    page.wait_for_selector("#suggestion-list li")


def failed_submit(page) -> None:
    """An action: submit the new-dialog form with a too short description."""
    page.fill("#description", "ой")
    page.fill("#barcode", "123")
    page.locator("#dialog-form").evaluate("f => f.noValidate = true")
    page.click("#start-dialog")
    page.wait_for_load_state()


def public_stops(data: Seeded) -> list[Stop]:
    """Help-center pages anyone can open."""
    return [
        Stop("home", "/"),
        Stop("home: results", "/", type_query("сколько ждать ответа от поддержки")),
        Stop("home: no answer", "/", type_query("как вернуть деньги за подписку")),
        Stop("search", "/search?q=" + "сколько ждать ответа"),
        Stop("search: wrong layout", "/search?q=ntdfh пропал из остатков"),
        Stop("search: no answer", "/search?q=как вернуть деньги за подписку"),
        Stop("search: empty", "/search"),
        Stop("category", f"/c/{data.full_category}"),
        Stop("category: empty", f"/c/{data.empty_category}"),
        Stop("article", f"/a/{data.article}"),
        Stop("faq", f"/q/{data.faq}"),
        Stop("not found", "/q/no/such-entry"),
    ]


def stops(role: str, data: Seeded) -> list[Stop]:
    """Every page the role reaches, in the order a person would open them."""
    if role == "guest":
        return [*public_stops(data), Stop("login", "/login")]
    if role == "seller":
        first = data.dialogs[0]
        return [
            Stop("home: results", "/", type_query("сколько ждать ответа от поддержки")),
            Stop("faq", f"/q/{data.faq}"),
            Stop("my dialogs", "/dialogs"),
            Stop("new: category", "/dialogs/new"),
            Stop("new: category failed", "/dialogs/new?step=category"),
            Stop("new: topic", "/dialogs/new?category=stock"),
            Stop("new: topic failed", "/dialogs/new?category=stock&step=topic"),
            Stop("new: details", "/dialogs/new?category=stock&topic=missing"),
            Stop("new: typing", "/dialogs/new?category=stock&topic=missing", type_description),
            Stop("new: failed submit", "/dialogs/new?category=stock&topic=missing", failed_submit),
            Stop("dialog", f"/dialogs/{first}"),
            Stop("dialog: info", f"/dialogs/{first}?tab=info"),
            Stop("dialog: answered", f"/dialogs/{data.answered}"),
            Stop("resolved", "/dialogs/resolved"),
            Stop("account", "/account"),
        ]
    if role == "agent":
        return [
            Stop("home", "/"),
            Stop("queue", "/agent"),
            Stop("queue: completed", "/agent?status=completed"),
            Stop("agent dialog", f"/agent/dialogs/{data.dialogs[0]}"),
            Stop("agent dialog: answered", f"/agent/dialogs/{data.answered}"),
            Stop("agent stats", "/agent/stats"),
            Stop("account", "/account"),
        ]
    return [
        Stop("home", "/"),
        Stop("editor", "/editor"),
        Stop("editor: article", f"/editor/article/{data.article}"),
        Stop("editor: faq", f"/editor/faq/{data.faq}"),
        Stop("editor: new article", "/editor/article/new"),
        Stop("editor: new faq", "/editor/faq/new"),
        Stop("editor: categories", "/editor/categories"),
        Stop("editor: glossary", "/editor/glossary"),
        Stop("insights", "/editor/insights"),
        Stop("learning", "/editor/learning"),
        Stop("account", "/account"),
    ]


def login(page, base: str, role: str) -> None:
    """Sign the browser in as the role's account (guests stay signed out)."""
    if role == "guest":
        return
    page.goto(base + "/login")
    page.fill("#login-email", EMAILS[role])
    page.fill("#login-password", PASSWORD)
    page.click(".auth-card button[type=submit]")
    page.wait_for_url(re.compile(r"^(?!.*/login)"))


def audit(page) -> dict:
    """axe-core violations (rule -> nodes) and sideways overflow in px of the open page."""
    results = AXE.run(page)
    violations = {v["id"]: len(v["nodes"]) for v in results.response["violations"]}
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    return {"violations": violations, "overflow": overflow, "cut": page.evaluate(CUT_PLACEHOLDERS)}


def walk(page, base: str, role: str, data: Seeded) -> dict[str, dict]:
    """Audit every stop of the role at every width: {"<width> <stop>": audit()}."""
    report = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        for stop in stops(role, data):
            page.goto(base + stop.path)
            if stop.action:
                stop.action(page)
            report[f"{width} {stop.name}"] = audit(page)
    return report
