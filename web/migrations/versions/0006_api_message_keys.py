"""Idempotency-Key for POST /api/v1/dialogs/<n>/messages: the message a key wrote.

Revision ID: 0006_api_message_keys
Revises: 0003_i10_channels
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_api_message_keys"
down_revision = "0003_i10_channels"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add api_idempotency_keys.message_id (NULL for keys that opened a dialog)."""
    with op.batch_alter_table("api_idempotency_keys") as table:
        table.add_column(sa.Column("message_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    """Drop message keys, then the column."""
    op.execute("DELETE FROM api_idempotency_keys WHERE message_id IS NOT NULL")
    with op.batch_alter_table("api_idempotency_keys") as table:
        table.drop_column("message_id")
