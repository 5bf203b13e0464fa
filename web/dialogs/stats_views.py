"""/agent/stats: median first response, answers within ANSWER_HOURS and ratings, per category."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from web.accounts.access import role_required
from web.analytics.charts import line_chart
from web.database import db
from web.dialogs import stats
from web.search_service import engine

bp = Blueprint("agent_stats", __name__, url_prefix="/agent/stats")


@bp.get("")
@role_required("agent", "editor")
def dashboard():
    """The support dashboard for a period (7, 30, 90 or 365 days)."""
    days = request.args.get("days", "30")
    days = int(days) if days.isdigit() and int(days) in stats.PERIODS else 30
    hours = current_app.config["ANSWER_HOURS"]
    rows = stats.rows_since(db(), stats.utcnow() - stats.timedelta(days=days))
    names = {cid: c.name for cid, c in engine().content.categories.items()}
    total, per_category = stats.by_category(rows, names, hours)
    labels, series = stats.daily(rows, days, hours)
    chart = line_chart(labels, series, f"Обращения, ответы в срок и «Помогло» за {days} дн.")
    return render_template(
        "agent/stats.html",
        total=total,
        per_category=per_category,
        chart=chart,
        days=days,
        periods=stats.PERIODS,
    )
