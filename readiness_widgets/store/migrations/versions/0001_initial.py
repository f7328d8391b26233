"""The first version of the store: pilots, revisions, answers, triage, milestones.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pilots",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("head", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_pilots"),
        sa.UniqueConstraint("key", name="uq_pilots_key"),
    )
    op.create_table(
        "revisions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("pilot_id", sa.Integer, nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("base", sa.Integer),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("saved_by", sa.String(200), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("changes", sa.JSON, nullable=False),
        sa.Column("restored_from", sa.Integer),
        sa.Column("signature", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("bank_id", sa.String(64), nullable=False),
        sa.Column("bank_version", sa.String(40), nullable=False),
        sa.Column("target", sa.String(64)),
        sa.Column("document", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_revisions"),
        sa.ForeignKeyConstraint(["pilot_id"], ["pilots.id"], name="fk_revisions_pilot_id_pilots", ondelete="CASCADE"),
        sa.UniqueConstraint("pilot_id", "number", name="uq_revisions_pilot_id_number"),
    )
    op.create_index("ix_revisions_pilot_id_saved_at", "revisions", ["pilot_id", "saved_at"])
    op.create_table(
        "answers",
        sa.Column("revision_id", sa.Integer, nullable=False),
        sa.Column("question", sa.String(100), nullable=False),
        sa.Column("value", sa.SmallInteger, nullable=False),
        sa.Column("evidence", sa.SmallInteger, nullable=False),
        sa.PrimaryKeyConstraint("revision_id", "question", name="pk_answers"),
        sa.ForeignKeyConstraint(["revision_id"], ["revisions.id"], name="fk_answers_revision_id_revisions", ondelete="CASCADE"),
    )
    op.create_table(
        "triage",
        sa.Column("revision_id", sa.Integer, nullable=False),
        sa.Column("question", sa.String(64), nullable=False),
        sa.Column("value", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("revision_id", "question", name="pk_triage"),
        sa.ForeignKeyConstraint(["revision_id"], ["revisions.id"], name="fk_triage_revision_id_revisions", ondelete="CASCADE"),
    )
    op.create_table(
        "milestones",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("pilot_id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("marked_by", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_milestones"),
        sa.ForeignKeyConstraint(["pilot_id"], ["pilots.id"], name="fk_milestones_pilot_id_pilots", ondelete="CASCADE"),
        sa.UniqueConstraint("pilot_id", "name", name="uq_milestones_pilot_id_name"),
    )


def downgrade() -> None:
    for table in ("milestones", "triage", "answers", "revisions", "pilots"):
        op.drop_table(table)
