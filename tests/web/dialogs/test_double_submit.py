"""A message, reply or note form sent twice (a double click, a resend) saves one message,
on SQLite and PostgreSQL; a submit that saved nothing leaves its form sendable again."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.dialog_helpers import upload

SELLER_TEXT = "Дополнение: номер заказа 123456, фото упаковки пришлю позже"
REPLY_TEXT = "Проверили поставку: оплата придёт в течение двух рабочих дней"
NOTE_TEXT = "Заметка: продавец уже писал об этой поставке в прошлом месяце"


def _form(client, url: str, form_id: str) -> dict:
    """The hidden fields of one form on the page at `url`."""
    page = client.get(url).get_data(as_text=True)
    form = page.split(f'id="{form_id}"', 1)[1].split("</form>", 1)[0]
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))


def _twins(clients, client, count: int = 2) -> list:
    """Test clients with `client`'s cookies: the same browser sending one form again."""
    twins = []
    for _ in range(count):
        twin = clients.app.test_client()
        for cookie in client._cookies.values():
            twin.set_cookie(cookie.key, cookie.value)
        twins.append(twin)
    return twins


def _parallel(clients, client, url: str, data: dict) -> list:
    def post(twin):
        return twin.post(url, data=dict(data), content_type="multipart/form-data")

    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(post, _twins(clients, client)))


def _bodies(clients, number: int) -> list[str]:
    with clients.app.app_context():
        return [m.body for m in clients.dialog(number).messages]


def _sent_once(clients, client, url: str, data: dict) -> set[str]:
    """Send the form twice in parallel, three times over, then once more: the redirects."""
    locations = set()
    for _ in range(3):
        responses = _parallel(clients, client, url, data)
        statuses = [r.status_code for r in responses]
        assert statuses == [302, 302], responses[0].get_data(as_text=True)[-2000:]
        locations |= {r.headers["Location"] for r in responses}
    resent = _twins(clients, client, 1)[0].post(url, data=dict(data))
    assert resent.status_code == 302, resent.get_data(as_text=True)[-2000:]
    return locations | {resent.headers["Location"]}


def test_a_seller_message_sent_twice_is_saved_once(clients):
    number = clients.open()
    url = f"/dialogs/{number}/messages"
    hidden = _form(clients.seller, f"/dialogs/{number}", "message-form")
    assert hidden["submit_token"]
    locations = _sent_once(clients, clients.seller, url, {**hidden, "body": SELLER_TEXT})
    assert locations == {f"/dialogs/{number}#last"}
    assert _bodies(clients, number).count(SELLER_TEXT) == 1
    # The page shown next carries a new token: the same words sent again are a new message.
    again = _form(clients.seller, f"/dialogs/{number}", "message-form")
    assert again["submit_token"] != hidden["submit_token"]
    assert clients.seller.post(url, data={**again, "body": SELLER_TEXT}).status_code == 302
    assert _bodies(clients, number).count(SELLER_TEXT) == 2


def test_an_agent_reply_that_completes_sent_twice_is_saved_once(clients):
    number = clients.open()
    page = f"/agent/dialogs/{number}"
    hidden = _form(clients.agent, page, "reply-form")
    data = {**hidden, "body": REPLY_TEXT, "action": "complete"}
    # Neither the reply's own «seen» count nor the completed dialog turns the twin away.
    locations = _sent_once(clients, clients.agent, f"{page}/reply", data)
    assert locations == {"/agent"}
    assert _bodies(clients, number).count(REPLY_TEXT) == 1
    with clients.app.app_context():
        assert clients.dialog(number).status == "completed"
    # A reply form of another page (its own token) is judged on its own: the page is stale.
    other = {**hidden, "submit_token": "another-page", "body": REPLY_TEXT}
    assert clients.agent.post(f"{page}/reply", data=other).status_code == 409


def test_an_agent_note_sent_twice_is_saved_once_and_the_reply_form_has_its_own_token(clients):
    number = clients.open()
    page = f"/agent/dialogs/{number}"
    note = _form(clients.agent, page, "note-form")
    assert note["submit_token"] != _form(clients.agent, page, "reply-form")["submit_token"]
    locations = _sent_once(clients, clients.agent, f"{page}/note", {**note, "body": NOTE_TEXT})
    assert locations == {f"{page}#last"}
    assert _bodies(clients, number).count(NOTE_TEXT) == 1


def test_a_message_that_could_not_be_saved_can_be_sent_again(clients, sample_files):
    number = clients.open()
    url = f"/dialogs/{number}/messages"
    hidden = _form(clients.seller, f"/dialogs/{number}", "message-form")
    folder = Path(clients.app.instance_path) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    folder.rename(folder.with_name("uploads-away"))
    folder.write_text("not a folder: saving the file fails, so nothing is saved")

    def send():
        data = {**hidden, "body": SELLER_TEXT, "files": [upload(sample_files / "invoice.pdf")]}
        return clients.seller.post(url, data=data, content_type="multipart/form-data")

    failed = send()
    assert failed.status_code == 400 and SELLER_TEXT in failed.get_data(as_text=True)
    folder.unlink()
    folder.with_name("uploads-away").rename(folder)
    assert send().status_code == 302  # the same form (same token) goes through now
    assert _bodies(clients, number).count(SELLER_TEXT) == 1
