"""Patient-reported injections, calendar links, verification limits per reference and client, staff
accounts; who closed a follow-up; the staff user and a detail on audit entries.

Revision ID: 0002_reports_links_limits_staff
Revises: 0001_plan_store
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_reports_links_limits_staff"
down_revision = "0001_plan_store"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("follow_ups") as batch:
        batch.add_column(sa.Column("closed_by", sa.String(64), nullable=True))
        batch.add_column(sa.Column("closed_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("audit_entries") as batch:
        batch.add_column(sa.Column("actor", sa.String(64), nullable=True))
        batch.add_column(sa.Column("detail", sa.String(200), nullable=True))
    op.create_table(
        "reported_injections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("reported_at", sa.DateTime(), nullable=False),
        sa.Column("conversation_key", sa.String(128), nullable=True),
        sa.Column("plan_version_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.String(64), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_reported_injections"),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"],
                                name="fk_reported_injections_patient_id_patients", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["plan_version_id"], ["plan_versions.id"],
                                name="fk_reported_injections_plan_version_id_plan_versions", ondelete="SET NULL"),
        sa.UniqueConstraint("patient_id", "given_on", name="uq_reported_injections_patient_on"),
    )
    op.create_table(
        "calendar_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("window_started", sa.DateTime(), nullable=True),
        sa.Column("fetches_in_window", sa.Integer(), nullable=False),
        sa.Column("last_fetch_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_calendar_links"),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"],
                                name="fk_calendar_links_patient_id_patients", ondelete="CASCADE"),
        sa.UniqueConstraint("token_hash", name="uq_calendar_links_token_hash"),
    )
    op.create_index("ix_calendar_links_patient_id", "calendar_links", ["patient_id"])
    op.create_table(
        "attempt_limits",
        sa.Column("key", sa.String(128), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("window_started", sa.DateTime(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key", name="pk_attempt_limits"),
    )
    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("disabled_at", sa.DateTime(), nullable=True),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_staff_users"),
        sa.UniqueConstraint("username", name="uq_staff_users_username"),
    )


def downgrade() -> None:
    op.drop_table("staff_users")
    op.drop_table("attempt_limits")
    op.drop_index("ix_calendar_links_patient_id", table_name="calendar_links")
    op.drop_table("calendar_links")
    op.drop_table("reported_injections")
    with op.batch_alter_table("audit_entries") as batch:
        batch.drop_column("detail")
        batch.drop_column("actor")
    with op.batch_alter_table("follow_ups") as batch:
        batch.drop_column("closed_at")
        batch.drop_column("closed_by")
