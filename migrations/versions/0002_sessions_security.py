"""server-side reviewer sessions, login throttling, TOTP secret, retention mark,
room for encrypted message subjects

Revision ID: 0002
Revises: 0001
"""

from alembic import op
import sqlalchemy as sa


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reviewer_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("client", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["reviewers.id"], name=op.f("fk_reviewer_sessions_reviewer_id_reviewers")
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_reviewer_sessions")),
    )
    op.create_index(
        op.f("ix_reviewer_sessions_reviewer_id"), "reviewer_sessions", ["reviewer_id"], unique=False
    )
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttle")),
    )
    with op.batch_alter_table("reviewers") as batch_op:
        batch_op.add_column(
            sa.Column("totp_secret", sa.Text(), nullable=False, server_default="")
        )
    with op.batch_alter_table("inbound_mail") as batch_op:
        batch_op.add_column(sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True))
    # The original subject is stored encrypted now, longer than the header's 998 characters.
    with op.batch_alter_table("messages") as batch_op:
        batch_op.alter_column(
            "subject", existing_type=sa.String(length=998), type_=sa.Text(), existing_nullable=False
        )


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch_op:
        batch_op.alter_column(
            "subject", existing_type=sa.Text(), type_=sa.String(length=998), existing_nullable=False
        )
    with op.batch_alter_table("inbound_mail") as batch_op:
        batch_op.drop_column("purged_at")
    with op.batch_alter_table("reviewers") as batch_op:
        batch_op.drop_column("totp_secret")
    op.drop_table("login_throttle")
    op.drop_index(op.f("ix_reviewer_sessions_reviewer_id"), table_name="reviewer_sessions")
    op.drop_table("reviewer_sessions")
