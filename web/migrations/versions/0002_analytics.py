"""Search analytics events.

Revision ID: 0002_analytics
Revises: 0001_accounts_dialogs
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_analytics"
down_revision = "0001_accounts_dialogs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create analytics_events and its indexes (time, visitor, seller, group, entry)."""
    op.create_table(
        "analytics_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("visitor", sa.String(32), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(16), nullable=True),
        sa.Column("query", sa.String(300), nullable=True),
        sa.Column("used_query", sa.String(300), nullable=True),
        sa.Column("normalized", sa.String(300), nullable=True),
        sa.Column("match", sa.String(8), nullable=True),
        sa.Column("top_ids", sa.Text(), nullable=True),
        sa.Column("result_count", sa.Integer(), nullable=True),
        sa.Column("entry_id", sa.String(200), nullable=True),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("helpful", sa.Boolean(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("category", sa.String(100), nullable=True),
        sa.Column("topic", sa.String(100), nullable=True),
        sa.Column("dialog_id", sa.Integer(), nullable=True),
        sa.Column("opened_entry", sa.String(200), nullable=True),
        sa.Column("solved", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_analytics_events_created_at", "analytics_events", ["created_at"])
    op.create_index("ix_analytics_events_normalized", "analytics_events", ["normalized"])
    op.create_index("ix_analytics_events_entry_id", "analytics_events", ["entry_id"])
    op.create_index("ix_analytics_events_dialog_id", "analytics_events", ["dialog_id"])
    op.create_index("ix_analytics_events_kind_created", "analytics_events", ["kind", "created_at"])
    op.create_index(
        "ix_analytics_events_visitor_created", "analytics_events", ["visitor", "created_at"]
    )
    op.create_index(
        "ix_analytics_events_user_created", "analytics_events", ["user_id", "created_at"]
    )


def downgrade() -> None:
    """Drop the analytics table (its indexes go with it)."""
    op.drop_table("analytics_events")
