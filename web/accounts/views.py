"""Login and logout pages, and the account page (password, «выйти на всех устройствах»)."""

from __future__ import annotations

import math

from flask import Blueprint, g, redirect, render_template, request, session

from web.accounts.access import home_for, load_user, session_stamp, signed_in
from web.accounts.services import AccountError, authenticate, change_password
from web.accounts.sessions import end_all_sessions, end_session, session_count, start_session
from web.accounts.throttling import forget_failures, reserve_attempt
from web.errors import LimitReached

bp = Blueprint("auth", __name__)
bp.before_app_request(load_user)


def _safe_next(target: str | None) -> str:
    # Only local paths: an open redirect after login is a phishing tool.
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return ""
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return ""
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in with email and password."""
    next_url = _safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("auth/login.html", next_url=next_url, email="", error=None)
    email = request.form.get("email", "")[:254]
    password = request.form.get("password", "")[:1024]
    try:
        reserve_attempt(email)
    except LimitReached as exc:
        minutes = max(1, math.ceil(exc.retry_after / 60))
        error = f"Слишком много неудачных попыток входа. Попробуйте снова через {minutes} мин."
        page = render_template("auth/login.html", next_url=next_url, email=email, error=error)
        return page, 429, {"Retry-After": str(exc.retry_after)}
    user = authenticate(email, password)
    if user is None:
        error = "Неверная почта или пароль."
        return render_template("auth/login.html", next_url=next_url, email=email, error=error), 401
    forget_failures(email)
    start_session(user)
    session["stamp"] = session_stamp(user)
    return redirect(next_url or home_for(user))


@bp.post("/logout")
def logout():
    """Log out: this browser's session ends on the server, not just in the cookie."""
    end_session()
    return redirect("/")


def _account_page(message: str | None = None, error: str | None = None, status: int = 200):
    page = render_template(
        "auth/account.html", message=message, error=error, sessions=session_count(g.user)
    )
    return page, status


@bp.get("/account")
@signed_in
def account():
    """The account page: change the password, sign out everywhere."""
    return _account_page()


@bp.post("/account/password")
@signed_in
def account_password():
    """Change the password; every other browser signed in as this user is signed out."""
    current = request.form.get("current_password", "")[:1024]
    new = request.form.get("new_password", "")[:1024]
    if new != request.form.get("new_password_again", "")[:1024]:
        return _account_page(error="Новые пароли не совпадают", status=422)
    try:
        change_password(g.user, current, new)
    except AccountError as exc:
        return _account_page(error=str(exc), status=422)
    end_all_sessions(g.user, keep_current=True)
    session["stamp"] = session_stamp(g.user)
    return _account_page(message="Пароль изменён; на других устройствах выполнен выход.")


@bp.post("/account/logout-everywhere")
@signed_in
def logout_everywhere():
    """«Выйти на всех устройствах»: every session of this user ends, this one included."""
    end_all_sessions(g.user)
    session.clear()
    return redirect("/login")
