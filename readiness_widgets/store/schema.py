"""The SQL backend's tables (SQLAlchemy Core). Alembic migrations (``migrations/``) create and
change them; this module describes the current version for the queries.

- ``pilots``: one row per pilot: its key, its latest revision (``head``), and that revision's
  pilot name and save time, so that "the latest revision of every pilot" is one join.
- ``revisions``: every revision: who, when, from where, its base, what changed, the document
  (the assessment's JSON, compact) and, for queries, its bank and target.
- ``answers`` / ``triage``: every revision's answers with a value (level 0-4, -1 N/A, -2 don't
  know; evidence 0 none, 1 manual, 2 automated) and triage answers, one row each: what
  ``score_many`` needs for a whole portfolio without parsing documents.
- ``milestones``: named revisions, unique per pilot.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)

from .base import utc

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """A moment in UTC: stored naive-in-UTC by SQLite, as ``timestamptz`` by PostgreSQL; read back aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        value = utc(value)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        return utc(value) if value is not None else None


metadata = MetaData(naming_convention=NAMING)

pilots = Table(
    "pilots",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(100), nullable=False, unique=True),
    Column("head", Integer, nullable=False),
    Column("name", String(200), nullable=False),
    Column("updated", UTCDateTime, nullable=False),
)

revisions = Table(
    "revisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("pilot_id", Integer, ForeignKey("pilots.id", ondelete="CASCADE"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("base", Integer),
    Column("saved_at", UTCDateTime, nullable=False),
    Column("saved_by", String(200), nullable=False),
    Column("source", String(20), nullable=False),
    Column("changes", JSON, nullable=False),
    Column("restored_from", Integer),
    Column("signature", String(64), nullable=False),
    Column("name", String(200), nullable=False),
    Column("bank_id", String(64), nullable=False),
    Column("bank_version", String(40), nullable=False),
    Column("target", String(64)),
    Column("document", Text, nullable=False),
    UniqueConstraint("pilot_id", "number"),
    Index(None, "pilot_id", "saved_at"),
)

answers = Table(
    "answers",
    metadata,
    Column("revision_id", Integer, ForeignKey("revisions.id", ondelete="CASCADE"), primary_key=True),
    Column("question", String(100), primary_key=True),
    Column("value", SmallInteger, nullable=False),
    Column("evidence", SmallInteger, nullable=False),
)

triage = Table(
    "triage",
    metadata,
    Column("revision_id", Integer, ForeignKey("revisions.id", ondelete="CASCADE"), primary_key=True),
    Column("question", String(64), primary_key=True),
    Column("value", String(200), nullable=False),
)

milestones = Table(
    "milestones",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("pilot_id", Integer, ForeignKey("pilots.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("marked_at", UTCDateTime, nullable=False),
    Column("marked_by", String(200), nullable=False),
    UniqueConstraint("pilot_id", "name"),
)
