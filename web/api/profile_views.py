"""The profile page: a seller's or agent's API tokens and their Telegram link."""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, url_for

from web.accounts.access import role_required
from web.api.tokens import active_tokens, create_token, revoke_token
from web.channels.telegram_links import CODE_MINUTES, chat_for, new_link_code, unlink
from web.database import db
from web.errors import Refused

bp = Blueprint("profile", __name__, url_prefix="/profile")


def _page(status: int = 200, **extra):
    return render_template(
        "api/profile.html",
        tokens=active_tokens(db(), g.user.id),
        telegram_chat=chat_for(db(), g.user.id),
        code_minutes=CODE_MINUTES,
        **extra,
    ), status


@bp.get("")
@role_required("seller", "agent")
def show():
    """Tokens for the mobile app and the Telegram link."""
    return _page()


@bp.post("/tokens")
@role_required("seller", "agent")
def create():
    """Create a token and show it once."""
    try:
        row, token = create_token(db(), g.user, request.form.get("name"))
    except Refused as exc:
        return _page(422, error=str(exc))
    return _page(201, new_token=token, new_token_name=row.name)


@bp.post("/tokens/<int:token_id>/revoke")
@role_required("seller", "agent")
def revoke(token_id: int):
    """Revoke one of the user's own tokens (someone else's is a 404)."""
    revoke_token(db(), token_id, user_id=g.user.id)
    return redirect(url_for("profile.show"))


@bp.post("/telegram/code")
@role_required("seller", "agent")
def telegram_code():
    """A one-time code to send to the bot as /start CODE."""
    return _page(link_code=new_link_code(db(), g.user))


@bp.post("/telegram/unlink")
@role_required("seller", "agent")
def telegram_unlink():
    """Stop Telegram notifications for this account."""
    unlink(db(), g.user.id)
    return redirect(url_for("profile.show"))
