"""The plan store: patients, plan versions with phases and lab checks, injections given, follow-ups,
audit entries and conversation verification.

Revision ID: 0001_plan_store
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_plan_store"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "patients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_patients"),
        sa.UniqueConstraint("reference", name="uq_patients_reference"),
    )
    op.create_table(
        "plan_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("documented_by", sa.String(200), nullable=False),
        sa.Column("documented_on", sa.Date(), nullable=False),
        sa.Column("product", sa.String(64), nullable=False),
        sa.Column("strength", sa.String(64), nullable=False),
        sa.Column("route", sa.String(64), nullable=False),
        sa.Column("indication", sa.String(64), nullable=False),
        sa.Column("reassess_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("source_file", sa.String(500), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_plan_versions"),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name="fk_plan_versions_patient_id_patients", ondelete="CASCADE"
        ),
        # also the index for "newest version of this patient", run on every chat turn
        sa.UniqueConstraint("patient_id", "version", name="uq_plan_versions_patient_version"),
    )
    op.create_table(
        "phases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("dose_amount", sa.Float(), nullable=False),
        sa.Column("dose_unit", sa.String(32), nullable=False),
        sa.Column("every_count", sa.Integer(), nullable=False),
        sa.Column("every_unit", sa.String(16), nullable=False),
        sa.Column("doses", sa.Integer(), nullable=True),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_phases"),
        sa.ForeignKeyConstraint(
            ["plan_version_id"],
            ["plan_versions.id"],
            name="fk_phases_plan_version_id_plan_versions",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("plan_version_id", "position", name="uq_phases_version_position"),
    )
    op.create_table(
        "lab_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("tests", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_lab_checks"),
        sa.ForeignKeyConstraint(
            ["plan_version_id"],
            ["plan_versions.id"],
            name="fk_lab_checks_plan_version_id_plan_versions",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("plan_version_id", "position", name="uq_lab_checks_version_position"),
    )
    op.create_table(
        "injections_given",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("dose_amount", sa.Float(), nullable=True),
        sa.Column("dose_unit", sa.String(32), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_injections_given"),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name="fk_injections_given_patient_id_patients",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("patient_id", "given_on", name="uq_injections_given_patient_on"),
    )
    op.create_table(
        "follow_ups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("plan_version", sa.Integer(), nullable=True),
        sa.Column("conversation_key", sa.String(128), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_follow_ups"),
    )
    op.create_index("ix_follow_ups_status_created", "follow_ups", ["status", "created_at"])
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_version_id", sa.Integer(), nullable=True),
        sa.Column("reference", sa.String(64), nullable=True),
        sa.Column("intent", sa.String(64), nullable=False),
        sa.Column("action", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_entries"),
        sa.ForeignKeyConstraint(
            ["plan_version_id"],
            ["plan_versions.id"],
            name="fk_audit_entries_plan_version_id_plan_versions",
            ondelete="SET NULL",
        ),
    )
    op.create_index("ix_audit_entries_plan_version_id", "audit_entries", ["plan_version_id"])
    op.create_index("ix_audit_entries_reference", "audit_entries", ["reference"])
    op.create_table(
        "conversation_verification",
        sa.Column("conversation_key", sa.String(128), nullable=False),
        sa.Column("reference", sa.String(64), nullable=True),
        sa.Column("verified_until", sa.DateTime(), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("conversation_key", name="pk_conversation_verification"),
    )


def downgrade() -> None:
    op.drop_table("conversation_verification")
    op.drop_index("ix_audit_entries_reference", table_name="audit_entries")
    op.drop_index("ix_audit_entries_plan_version_id", table_name="audit_entries")
    op.drop_table("audit_entries")
    op.drop_index("ix_follow_ups_status_created", table_name="follow_ups")
    op.drop_table("follow_ups")
    op.drop_table("injections_given")
    op.drop_table("lab_checks")
    op.drop_table("phases")
    op.drop_table("plan_versions")
    op.drop_table("patients")
