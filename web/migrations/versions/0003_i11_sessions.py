"""Server-side sessions and the SQL rate-limit counters.

Revision ID: 0003_i11_sessions
Revises: 0002_analytics
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_i11_sessions"
down_revision = "0002_analytics"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create user_sessions and rate_limits."""
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column(
            "user_id",
            sa.Integer,
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("user_agent", sa.String(200), nullable=False, server_default=""),
    )
    op.create_table(
        "rate_limits",
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    """Drop both tables."""
    op.drop_table("rate_limits")
    op.drop_table("user_sessions")
