"""the human side: caseworker, console_session, assignment, note, canned_response, audit_event; who holds a
conversation

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

import sqlalchemy as sa

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "caseworker",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("alias", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(256), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "console_session",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("caseworker_id", sa.Integer(), sa.ForeignKey("caseworker.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "assignment",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("conversation_id", sa.String(32), sa.ForeignKey("conversation.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("caseworker_id", sa.Integer(), sa.ForeignKey("caseworker.id"), nullable=False, index=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(16), nullable=True),
    )
    op.create_table(
        "note",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("conversation_id", sa.String(32), sa.ForeignKey("conversation.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("caseworker_id", sa.Integer(), sa.ForeignKey("caseworker.id"), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "canned_response",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("short_code", sa.String(32), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.UniqueConstraint("short_code", "language"),
    )
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("caseworker_id", sa.Integer(), sa.ForeignKey("caseworker.id"), nullable=True),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("conversation_id", sa.String(32), nullable=True, index=True),
        sa.Column("detail", sa.String(200), nullable=True),
    )
    # batch mode: SQLite cannot add a foreign key to a table in place; Alembic copies the table there
    with op.batch_alter_table("conversation") as batch:
        batch.add_column(sa.Column("assignee_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("unanswered_notice_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_foreign_key("fk_conversation_assignee", "caseworker", ["assignee_id"], ["id"])
        batch.create_index("ix_conversation_assignee_id", ["assignee_id"])
    # The queue is read most urgent first, then longest waiting.
    op.create_index("ix_conversation_queue", "conversation", ["state", "tier", "queued_at"])


def downgrade() -> None:
    op.drop_index("ix_conversation_queue", "conversation")
    with op.batch_alter_table("conversation") as batch:
        batch.drop_index("ix_conversation_assignee_id")
        batch.drop_constraint("fk_conversation_assignee", type_="foreignkey")
        batch.drop_column("unanswered_notice_at")
        batch.drop_column("claimed_at")
        batch.drop_column("assignee_id")
    for table in ("audit_event", "canned_response", "note", "assignment", "console_session", "caseworker"):
        op.drop_table(table)
