"""Dialogs as a conversation: statuses with history, assignment, SLA, ratings, re-reviews,
internal notes, and the outbox of e-mails to sellers.

Revision ID: 0003_i9_conversation
Revises: 0002_analytics
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_i9_conversation"
down_revision = "0002_analytics"
branch_labels = None
depends_on = None

DIALOG_COLUMNS = (
    ("channel", sa.String(16), "web"),
    ("assignee_id", sa.Integer(), None),
    ("awaiting_since", sa.DateTime(), None),
    ("first_response_at", sa.DateTime(), None),
    ("last_support_at", sa.DateTime(), None),
    ("seller_read_at", sa.DateTime(), None),
    ("helped", sa.Boolean(), None),
    ("rating_comment", sa.Text(), None),
    ("rated_at", sa.DateTime(), None),
    ("review_of_id", sa.Integer(), None),
)


def upgrade() -> None:
    """Add the conversation columns and the dialog_changes and outbox_mail tables."""
    with op.batch_alter_table("dialogs") as batch:
        # "waiting_for_seller" is longer than the first schema's 16 characters.
        batch.alter_column("status", type_=sa.String(24), existing_nullable=False)
        for name, kind, default in DIALOG_COLUMNS:
            batch.add_column(
                sa.Column(name, kind, nullable=default is None, server_default=default)
            )
        batch.create_foreign_key("fk_dialogs_assignee", "users", ["assignee_id"], ["id"])
        batch.create_foreign_key("fk_dialogs_review_of", "dialogs", ["review_of_id"], ["id"])
        batch.create_index("ix_dialogs_awaiting", ["awaiting_since"])
        batch.create_index("ix_dialogs_review_of", ["review_of_id"])
    # Open dialogs created before this migration wait for their first answer since creation.
    op.execute("UPDATE dialogs SET awaiting_since = created_at WHERE status = 'created'")
    with op.batch_alter_table("messages") as batch:
        batch.add_column(
            sa.Column("internal", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    _create_changes()
    _create_outbox()


def _create_changes() -> None:
    op.create_table(
        "dialog_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "dialog_id",
            sa.Integer(),
            sa.ForeignKey("dialogs.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("actor_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("actor_role", sa.String(16), nullable=False),
        sa.Column("from_value", sa.String(200), nullable=True),
        sa.Column("to_value", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )


def _create_outbox() -> None:
    op.create_table(
        "outbox_mail",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("recipient", sa.String(254), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.String(500), nullable=True),
    )
    op.create_index("ix_outbox_mail_due", "outbox_mail", ["sent_at", "next_attempt_at"])


def downgrade() -> None:
    """Drop what upgrade() added."""
    op.drop_table("outbox_mail")
    op.drop_table("dialog_changes")
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("internal")
    with op.batch_alter_table("dialogs") as batch:
        batch.drop_index("ix_dialogs_review_of")
        batch.drop_index("ix_dialogs_awaiting")
        batch.drop_constraint("fk_dialogs_review_of", type_="foreignkey")
        batch.drop_constraint("fk_dialogs_assignee", type_="foreignkey")
        for name, _kind, _default in reversed(DIALOG_COLUMNS):
            batch.drop_column(name)
        batch.alter_column("status", type_=sa.String(16), existing_nullable=False)
