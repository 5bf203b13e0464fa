"""Drop login_failures: login limits are Flask-Limiter counters (Redis or rate_limits) now.

Nothing has read or written the table since the limits moved to web/limits.py; its rows
were only ever a failed-login log kept for the old hand-written counter.

Revision ID: 0005_i11_drop_login_failures
Revises: 0004_i11_submissions
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_i11_drop_login_failures"
down_revision = "0004_i11_submissions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Drop login_failures (its indexes go with it)."""
    op.drop_table("login_failures")


def downgrade() -> None:
    """Recreate login_failures as 0001_accounts_dialogs made it (empty)."""
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(64), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime(), nullable=False, index=True),
    )
