"""API tokens, idempotency keys, Telegram links and codes, mail auto-replies; event channel.

Revision ID: 0003_i10_channels
Revises: 0002_analytics
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_i10_channels"
down_revision = "0002_analytics"
branch_labels = None
depends_on = None


def _user_fk() -> sa.Column:
    return sa.Column(
        "user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )


def upgrade() -> None:
    """Create the channel tables and add `channel` to analytics events."""
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), primary_key=True),
        _user_fk(),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])
    op.create_table(
        "api_idempotency_keys",
        sa.Column("id", sa.Integer(), primary_key=True),
        _user_fk(),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("dialog_number", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("user_id", "key", name="uq_api_idempotency_user_key"),
    )
    op.create_table(
        "telegram_links",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            nullable=False,
            unique=True,
        ),
        sa.Column("chat_id", sa.BigInteger(), nullable=False, unique=True),
        sa.Column("linked_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "telegram_codes",
        sa.Column("id", sa.Integer(), primary_key=True),
        _user_fk(),
        sa.Column("code_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_telegram_codes_user_id", "telegram_codes", ["user_id"])
    op.create_table(
        "mail_auto_replies",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("address", sa.String(254), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_mail_auto_replies_address", "mail_auto_replies", ["address"])
    op.create_index("ix_mail_auto_replies_sent_at", "mail_auto_replies", ["sent_at"])
    with op.batch_alter_table("analytics_events") as batch:
        # Where the query was asked: web, api (the mobile app), telegram, email.
        batch.add_column(sa.Column("channel", sa.String(16), nullable=True))


def downgrade() -> None:
    """Drop the channel tables and the event channel."""
    with op.batch_alter_table("analytics_events") as batch:
        batch.drop_column("channel")
    for table in (
        "mail_auto_replies",
        "telegram_codes",
        "telegram_links",
        "api_idempotency_keys",
        "api_tokens",
    ):
        op.drop_table(table)
