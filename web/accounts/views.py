"""Login and logout pages."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session

from web.accounts.access import home_for, load_user, session_stamp
from web.accounts.services import authenticate
from web.accounts.throttling import login_blocked

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
    if login_blocked(email):
        minutes = max(1, current_app.config["LOGIN_WINDOW"] // 60)
        error = f"Слишком много неудачных попыток входа. Попробуйте снова через {minutes} мин."
        return render_template("auth/login.html", next_url=next_url, email=email, error=error), 429
    user = authenticate(email, password)
    if user is None:
        error = "Неверная почта или пароль."
        return render_template("auth/login.html", next_url=next_url, email=email, error=error), 401
    session["user_id"] = user.id
    session["stamp"] = session_stamp(user)
    session.permanent = True
    return redirect(next_url or home_for(user))


@bp.post("/logout")
def logout():
    """Log out and forget everything kept in the session."""
    session.clear()
    return redirect("/")
