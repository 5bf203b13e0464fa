"""The shared page layout: the «write to support» footer is for sellers and guests only."""

from __future__ import annotations

import pytest

FOOTER = "в среднем отвечаем за 48 часов"


def test_guest_sees_the_support_prompt(client):
    assert FOOTER in client.get("/").get_data(as_text=True)


def test_seller_sees_the_support_prompt(app, client, sign_in):
    sign_in(app, client, "seller")
    assert FOOTER in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("role", ["agent", "editor"])
def test_staff_do_not_get_told_to_write_to_support(app, client, sign_in, role):
    sign_in(app, client, role)
    assert FOOTER not in client.get("/").get_data(as_text=True)
