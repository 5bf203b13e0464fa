"""Search insights for editors (/editor/insights): gaps, funnel, entry stats, trends, CSV."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, abort, render_template, request

from web.accounts.access import role_required
from web.analytics import insights
from web.analytics.charts import line_chart
from web.database import db
from web.search_service import engine

bp = Blueprint("insights", __name__, url_prefix="/editor/insights")
# Insights show what sellers searched for: editors only.
bp.before_request(role_required("editor")(lambda: None))


def _days() -> int:
    try:
        days = int(request.args.get("days", 30))
    except ValueError:
        days = 30
    return days if days in insights.PERIODS else 30


@bp.get("")
def insights_page():
    """Content gaps, the deflection funnel, entry stats and trends for a period."""
    days, content, session = _days(), engine().content, db()
    tables = {
        name: insights.build(session, name, days, content, request.args.get(f"{name}_order", ""))
        for name in insights.TABLES
    }
    rows = tables["trend"].rows
    labels = [r["day"] for r in rows]
    chart = line_chart(
        labels,
        {
            "Поиски": [r["searches"] for r in rows],
            "Без хорошего ответа": [r["gaps"] for r in rows],
            "Решили сами": [r["solved"] for r in rows],
            "Обращения": [r["dialogs"] for r in rows],
        },
        f"Поиски и обращения по дням за {days} дн.",
    )
    return render_template(
        "editor/insights.html",
        tables=tables,
        days=days,
        periods=insights.PERIODS,
        chart=chart,
        args=request.args,
    )


@bp.get("/<name>.csv")
def insights_csv(name: str):
    """One insights table as CSV."""
    if name not in insights.TABLES:
        abort(404)
    days = _days()
    table = insights.build(db(), name, days, engine().content, request.args.get("order", ""))
    stamp = datetime.now().strftime("%Y-%m-%d")
    return Response(
        insights.to_csv(table),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="spravka-{name}-{days}d-{stamp}.csv"'
        },
    )
