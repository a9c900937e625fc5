"""reviewer workspace: due times, claims, second review, notes, API tokens, reply frame

Revision ID: 0004
Revises: 0003
"""

from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("due_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("kind", sa.String(length=30), nullable=False, server_default=""))
        batch.add_column(sa.Column("confidence", sa.Float(), nullable=True))
        batch.add_column(sa.Column("first_approved_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("first_approved_version", sa.Integer(), nullable=True))
        batch.create_index("ix_cases_due_at_id", ["due_at", "id"])
        batch.create_index("ix_cases_status_due_at", ["status", "due_at"])
        batch.create_foreign_key(
            "fk_cases_first_approved_by_id_reviewers", "reviewers", ["first_approved_by_id"], ["id"]
        )
    _backfill_due_times()
    op.create_table(
        "case_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=320), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_case_notes_case_id_cases"),
        sa.PrimaryKeyConstraint("id", name="pk_case_notes"),
    )
    op.create_index("ix_case_notes_case_id", "case_notes", ["case_id"])
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["reviewers.id"], name="fk_api_tokens_reviewer_id_reviewers"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_api_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
    )
    _reply_frame_table()


def _reply_frame_table() -> None:
    op.create_table(
        "reply_frame",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("greeting", sa.Text(), nullable=False),
        sa.Column("closing", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.String(length=320), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reply_frame"),
    )


def _backfill_due_times() -> None:
    """Existing cases get the due time their subscriber's SLA gives (24 hours without one)."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT c.id, c.created_at, s.sla_hours FROM cases c "
            "LEFT JOIN subscribers s ON s.id = c.subscriber_id"
        )
    ).all()
    for case_id, created, sla in rows:
        if isinstance(created, str):
            from datetime import datetime

            created = datetime.fromisoformat(created)
        bind.execute(
            sa.text("UPDATE cases SET due_at = :due WHERE id = :id"),
            {"due": created + timedelta(hours=sla or 24), "id": case_id},
        )


def downgrade() -> None:
    op.drop_table("reply_frame")
    op.drop_table("api_tokens")
    op.drop_index("ix_case_notes_case_id", table_name="case_notes")
    op.drop_table("case_notes")
    with op.batch_alter_table("cases") as batch:
        batch.drop_constraint("fk_cases_first_approved_by_id_reviewers", type_="foreignkey")
        batch.drop_index("ix_cases_status_due_at")
        batch.drop_index("ix_cases_due_at_id")
        for column in (
            "first_approved_version",
            "first_approved_by_id",
            "confidence",
            "kind",
            "claimed_at",
            "due_at",
        ):
            batch.drop_column(column)
