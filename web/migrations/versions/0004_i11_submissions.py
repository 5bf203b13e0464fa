"""Form tokens of «Начать диалог», so that a double submit opens one dialog.

Revision ID: 0004_i11_submissions
Revises: 0003_i11_sessions
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_i11_submissions"
down_revision = "0003_i11_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create form_submissions."""
    op.create_table(
        "form_submissions",
        sa.Column("token", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("dialog_number", sa.Integer, nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    """Drop form_submissions."""
    op.drop_table("form_submissions")
