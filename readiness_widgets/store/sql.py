"""The SQL backend: SQLite (``sqlite:///readiness.db``) and PostgreSQL (``postgresql+psycopg://...``).

SQLAlchemy Core builds every statement (values are always bound parameters), Alembic migrates the
tables (``migrations/``) when the store is opened, psycopg 3 talks to PostgreSQL.

No lost update: a save runs in one transaction that moves the pilot's ``head`` from the save's
base revision to the next one (``UPDATE pilots SET head = base + 1 WHERE key = ... AND head =
base``). If another save moved it first, no row matches, the transaction is rolled back and the
save is refused with :class:`~.base.StoreConflictError`. SQLite takes its write lock at the start
of the transaction (``BEGIN IMMEDIATE``, WAL journal); PostgreSQL locks the pilot's row.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from sqlalchemy import (
    JSON,
    and_,
    cast,
    create_engine,
    event,
    func,
    insert,
    inspect,
    select,
    type_coerce,
    update,
)
from sqlalchemy import column as sql_column
from sqlalchemy import table as sql_table
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, NoSuchModuleError, SQLAlchemyError

from .base import (
    MAX_NAME,
    AnswerTable,
    Changes,
    Milestone,
    PilotHistory,
    Revision,
    RevisionAnswers,
    Store,
    StoreConflictError,
    StoreError,
    UnknownPilotError,
    answer_rows,
    changes_between,
    compact,
    doc_signature,
    make_answer_table,
    now,
    os_user,
    utc,
)
from .schema import answers, milestones, pilots, revisions, triage

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT = 30.0  # seconds a SQLite save waits for another one's write lock
_META = [
    revisions.c.number, revisions.c.base, revisions.c.saved_at, revisions.c.saved_by, revisions.c.source,
    revisions.c.changes, revisions.c.restored_from, revisions.c.signature, revisions.c.name,
]


def safe_url(url: URL) -> str:
    """The URL as it may be printed: the password replaced by ``***``."""
    return url.render_as_string(hide_password=True)


# The newest migration of migrations/versions: a new migration changes it (a test checks it
# against alembic's script directory). Opening a store that is up to date compares it with the
# version table and never loads alembic (a third of a second: every visit of a page opens one).
HEAD_REVISION = "0001"
VERSION_TABLE = "alembic_version"


@lru_cache(maxsize=1)
def _head_revision() -> str:
    """The newest migration, as alembic reads it from the scripts (what :data:`HEAD_REVISION` must be)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def current_revision(conn: Connection) -> str | None:
    """The migration the tables are at (alembic's version table; None: none applied, or not one
    line), read with a plain query."""
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    version = sql_table(VERSION_TABLE, sql_column("version_num"))
    found = conn.execute(select(version.c.version_num)).scalars().all()
    return found[0] if len(found) == 1 else None


def _driver_rows(conn: Connection, query) -> list[tuple]:
    """The rows of ``query`` as the database driver returns them, fetched at once: for columns of
    integers and short strings, which need no conversion (SQLAlchemy's row objects cost two to
    three times the fetch itself on the 100,000 answer rows of a portfolio)."""
    result = conn.execute(query)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


def migrate(conn: Connection) -> bool:
    """Bring the tables up to the latest migration on ``conn`` (inside its transaction); True if it ran."""
    if current_revision(conn) == HEAD_REVISION:
        return False
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    config.attributes["connection"] = conn
    command.upgrade(config, "head")
    return True


class SQLStore(Store):
    """Pilots, revisions and milestones in SQLite or PostgreSQL."""

    def __init__(self, url: str | URL, *, create: bool = True):
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise StoreError("store URL: not a database URL (expected sqlite:///FILE or postgresql+psycopg://...)") from None
        if parsed.drivername in ("postgresql", "postgres"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        self._password = parsed.password
        self.url = safe_url(parsed)
        self.dialect = parsed.get_backend_name()
        if self.dialect not in ("sqlite", "postgresql"):
            raise StoreError(f"{self.url}: only sqlite and postgresql databases are supported")
        if self.dialect == "sqlite":
            database = parsed.database or ""
            if database in ("", ":memory:"):
                raise StoreError(f"{self.url}: give a database file, e.g. sqlite:///readiness.db (an in-memory store keeps nothing)")
            if not create and not Path(database).expanduser().is_file():
                raise StoreError(f"{self.url}: no such database file")
        try:
            self.engine = self._engine(parsed)
            with self.engine.connect() as conn:  # a read: the tables are usually up to date
                current = current_revision(conn)
            if current != HEAD_REVISION:
                with self._writing() as conn:
                    if self.dialect == "postgresql":  # one migrator at a time
                        conn.execute(select(func.pg_advisory_xact_lock(7_261_001)))
                    migrate(conn)  # checks again, inside the write lock
        except SQLAlchemyError as exc:
            raise self._error("cannot open the store", exc) from None

    def _engine(self, url: URL) -> Engine:
        if self.dialect == "sqlite":
            engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT})

            @event.listens_for(engine, "connect")
            def _connect(dbapi_conn, _record):
                dbapi_conn.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
                cursor = dbapi_conn.cursor()
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA foreign_keys=ON")
                cursor.close()

            @event.listens_for(engine, "begin")
            def _begin(conn):
                # a writer takes the write lock at once: two savers never both read, then fight
                conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("writing") else "BEGIN")

            return engine
        try:
            return create_engine(url, pool_pre_ping=True)
        except NoSuchModuleError:
            raise StoreError(f"{self.url}: PostgreSQL needs psycopg 3: pip install 'readiness-widgets[store]'") from None

    def _error(self, what: str, exc: BaseException) -> StoreError:
        """A one-line error without the password, the statement or its parameters."""
        orig = getattr(exc, "orig", None) or exc
        text = " ".join(str(orig).split()) or type(orig).__name__
        if self._password:
            text = text.replace(self._password, "***")
        return StoreError(f"{self.url}: {what}: {text[:500]}")

    @contextlib.contextmanager
    def _writing(self):
        with self.engine.connect() as conn:
            conn = conn.execution_options(writing=True)
            with conn.begin():
                yield conn

    @contextlib.contextmanager
    def _reading(self):
        try:
            with self.engine.connect() as conn, conn.begin():
                yield conn
        except SQLAlchemyError as exc:
            raise self._error("cannot read", exc) from None

    def close(self) -> None:
        self.engine.dispose()

    # ---- reading ---------------------------------------------------------------------------------
    def _revision(self, key: str, row, document: bool = False, marks: Sequence[str] = ()) -> Revision:
        return Revision(
            pilot=key, number=row.number, base=row.base, saved_at=utc(row.saved_at), saved_by=row.saved_by,
            source=row.source, changes=Changes.from_dict(row.changes), restored_from=row.restored_from,
            signature=row.signature, name=row.name, milestones=tuple(marks),
            document=json.loads(row.document) if document else None,
        )

    def _marks(self, conn: Connection, pilot_id: int | None = None) -> dict[tuple[int, int], list[str]]:
        q = select(milestones.c.pilot_id, milestones.c.revision, milestones.c.name).order_by(milestones.c.id)
        if pilot_id is not None:
            q = q.where(milestones.c.pilot_id == pilot_id)
        out: dict[tuple[int, int], list[str]] = {}
        for pid, number, name in conn.execute(q):
            out.setdefault((pid, number), []).append(name)
        return out

    def _pilot_id(self, conn: Connection, pilot: str) -> tuple[int, int]:
        row = conn.execute(select(pilots.c.id, pilots.c.head).where(pilots.c.key == pilot)).first()
        if row is None:
            raise UnknownPilotError(self.url, pilot, "no pilot of that key in the store")
        return row.id, row.head

    def _latest_numbers(self, as_of: datetime | None):
        """(pilot_id, number) of the latest revision of every pilot (saved at or before ``as_of``)."""
        if as_of is None:
            return select(pilots.c.id.label("pilot_id"), pilots.c.head.label("number")).subquery()
        return (
            select(revisions.c.pilot_id, func.max(revisions.c.number).label("number"))
            .where(revisions.c.saved_at <= as_of)
            .group_by(revisions.c.pilot_id)
            .subquery()
        )

    def _latest(self, as_of: datetime | None, document: bool) -> list[Revision]:
        latest = self._latest_numbers(as_of)
        cols = [pilots.c.key, revisions.c.pilot_id, *_META] + ([revisions.c.document] if document else [])
        q = (
            select(*cols)
            .select_from(
                latest.join(revisions, and_(revisions.c.pilot_id == latest.c.pilot_id, revisions.c.number == latest.c.number))
                .join(pilots, pilots.c.id == revisions.c.pilot_id)
            )
            .order_by(pilots.c.key)
        )
        with self._reading() as conn:
            marks = self._marks(conn)
            rows = conn.execute(q).all()
        return [self._revision(r.key, r, document, marks.get((r.pilot_id, r.number), ())) for r in rows]

    def pilots(self) -> list[Revision]:
        return self._latest(None, False)

    def latest(self, *, as_of: datetime | None = None) -> list[Revision]:
        return self._latest(as_of, True)

    def answer_table(self, *, as_of: datetime | None = None) -> AnswerTable:
        """Three queries over the latest revisions: pilots, answers and triage answers, one row each."""
        queries = answer_table_queries(self._latest_numbers(as_of))
        with self._reading() as conn:
            p, a, t = (conn.execute(q).all() for q in queries)
        return make_answer_table(p, a, t)

    def all_revisions(self, *, documents: bool = True) -> list[Revision]:
        """One query for every revision of every pilot (and one for the milestones)."""
        cols = [pilots.c.key, revisions.c.pilot_id, *_META] + ([revisions.c.document] if documents else [])
        q = (select(*cols).select_from(revisions.join(pilots, pilots.c.id == revisions.c.pilot_id))
             .order_by(pilots.c.key, revisions.c.number))
        with self._reading() as conn:
            marks = self._marks(conn)
            rows = conn.execute(q).all()
        return [self._revision(r.key, r, documents, marks.get((r.pilot_id, r.number), ())) for r in rows]

    def revision_answers(self) -> dict[tuple[str, int], RevisionAnswers]:
        """Three queries, whatever the number of pilots: every revision's bank and target, its
        answer rows and its triage rows."""
        # the two metadata fields out of the JSON text by the database (decoding a thousand
        # documents in Python takes longer than the three queries)
        doc = type_coerce(revisions.c.document, JSON) if self.dialect == "sqlite" else cast(revisions.c.document, JSON)
        meta_q = select(revisions.c.id, pilots.c.key, revisions.c.number, revisions.c.bank_id, revisions.c.bank_version,
                        revisions.c.target, doc["business_unit"].as_string().label("business_unit"),
                        doc["owner"].as_string().label("owner")).select_from(revisions.join(pilots, pilots.c.id == revisions.c.pilot_id))
        answers_q = select(answers.c.revision_id, answers.c.question, answers.c.value, answers.c.evidence)
        triage_q = select(triage.c.revision_id, triage.c.question, triage.c.value)
        with self._reading() as conn:
            meta = conn.execute(meta_q).all()
            rows: dict[int, list[tuple[str, int, int]]] = {}
            for rid, question, value, evidence in _driver_rows(conn, answers_q):
                rows.setdefault(rid, []).append((question, value, evidence))
            triaged: dict[int, dict[str, str]] = {}
            for rid, question, value in _driver_rows(conn, triage_q):
                triaged.setdefault(rid, {})[question] = value
        return {
            (m.key, m.number): RevisionAnswers(m.bank_id, m.bank_version, m.target, triaged.get(m.id, {}), tuple(rows.get(m.id, ())),
                                               m.business_unit, m.owner)
            for m in meta
        }

    def stamp(self) -> tuple:
        """How many revisions and milestones there are, and the last of each: revisions are only ever
        added (a save, a restore, an import), so any change moves it. Two aggregate queries."""
        with self._reading() as conn:
            revs = conn.execute(select(func.count(revisions.c.id), func.max(revisions.c.id))).one()
            marks = conn.execute(select(func.count(milestones.c.id), func.max(milestones.c.id))).one()
        return (*revs, *marks)

    def history(self, pilot: str) -> list[Revision]:
        with self._reading() as conn:
            pid, _ = self._pilot_id(conn, pilot)
            marks = self._marks(conn, pid)
            rows = conn.execute(select(*_META).where(revisions.c.pilot_id == pid).order_by(revisions.c.number)).all()
        return [self._revision(pilot, r, False, marks.get((pid, r.number), ())) for r in rows]

    def get(self, pilot: str, revision: int | None = None) -> Revision:
        with self._reading() as conn:
            pid, head = self._pilot_id(conn, pilot)
            number = head if revision is None else revision
            row = conn.execute(
                select(*_META, revisions.c.document).where(revisions.c.pilot_id == pid, revisions.c.number == number)
            ).first()
            if row is None:
                raise UnknownPilotError(self.url, pilot, f"no revision {revision} (revisions 1-{head})")
            marks = self._marks(conn, pid)
        return self._revision(pilot, row, True, marks.get((pid, number), ()))

    def get_meta(self, pilot: str) -> Revision:
        with self._reading() as conn:
            pid, head = self._pilot_id(conn, pilot)
            row = conn.execute(select(*_META).where(revisions.c.pilot_id == pid, revisions.c.number == head)).one()
            marks = self._marks(conn, pid)
        return self._revision(pilot, row, False, marks.get((pid, head), ()))

    def milestones(self, pilot: str) -> list[Milestone]:
        with self._reading() as conn:
            pid, _ = self._pilot_id(conn, pilot)
            rows = conn.execute(
                select(milestones.c.name, milestones.c.revision, milestones.c.marked_at, milestones.c.marked_by)
                .where(milestones.c.pilot_id == pid)
                .order_by(milestones.c.revision, milestones.c.marked_at, milestones.c.id)
            ).all()
        return [Milestone(pilot, r.name, r.revision, utc(r.marked_at), r.marked_by) for r in rows]

    # ---- writing ---------------------------------------------------------------------------------
    def _insert_revisions(self, conn: Connection, rows: list[tuple[int, Revision]]) -> None:
        """Insert revisions (pilot id, revision with document) with their answer and triage rows."""
        if not rows:
            return
        values = [
            {
                "pilot_id": pid, "number": r.number, "base": r.base, "saved_at": r.saved_at, "saved_by": r.saved_by,
                "source": r.source, "changes": r.changes.to_dict(), "restored_from": r.restored_from,
                "signature": r.signature, "name": r.name[:MAX_NAME], "bank_id": r.document["bank"]["id"],
                "bank_version": r.document["bank"]["version"], "target": r.document.get("target"),
                "document": compact(r.document),
            }
            for pid, r in rows
        ]
        ids = conn.execute(insert(revisions).returning(revisions.c.id, sort_by_parameter_order=True), values).scalars().all()
        answer_values, triage_values = [], []
        for rid, (_, r) in zip(ids, rows, strict=True):
            answer_values += [{"revision_id": rid, "question": q, "value": v, "evidence": e} for q, v, e in answer_rows(r.document)]
            triage_values += [{"revision_id": rid, "question": q, "value": v} for q, v in (r.document.get("triage") or {}).items()]
        for table, rows in ((answers, answer_values), (triage, triage_values)):
            if not rows:
                continue
            statement = insert(table)
            if self.dialect == "postgresql":
                # with RETURNING, SQLAlchemy sends the rows as multi-row INSERTs ("insertmanyvalues",
                # 1,000 rows each) instead of one statement per row: 5x faster through psycopg
                statement = statement.returning(table.c.revision_id)
            conn.execute(statement, rows)

    def _save(self, pilot, document, base, base_signature, meta) -> Revision:
        number = (base or 0) + 1
        try:
            with self._writing() as conn:
                if base is None:
                    try:
                        with conn.begin_nested():
                            pid = conn.execute(
                                insert(pilots).values(key=pilot, head=1, name=document.get("pilot", "")[:MAX_NAME],
                                                      updated=meta["saved_at"]).returning(pilots.c.id)
                            ).scalar_one()
                    except IntegrityError:
                        raise _Refused() from None
                    before = None
                else:
                    moved = conn.execute(
                        update(pilots)
                        .where(pilots.c.key == pilot, pilots.c.head == base)
                        .values(head=number, name=document.get("pilot", "")[:MAX_NAME], updated=meta["saved_at"])
                        .returning(pilots.c.id)
                    ).first()
                    if moved is None:
                        raise _Refused()
                    pid = moved.id
                    row = conn.execute(
                        select(revisions.c.document, revisions.c.signature).where(revisions.c.pilot_id == pid, revisions.c.number == base)
                    ).one()
                    if base_signature and row.signature != base_signature:
                        raise _Refused()
                    before = json.loads(row.document)
                rev = Revision(
                    pilot=pilot, number=number, base=base, saved_at=meta["saved_at"], saved_by=meta["saved_by"],
                    source=meta["source"], changes=changes_between(before, document), restored_from=meta["restored_from"],
                    signature=doc_signature(document), name=document.get("pilot", ""), document=document,
                )
                self._insert_revisions(conn, [(pid, rev)])
        except _Refused:
            theirs = self.get_meta(pilot) if self.head(pilot) is not None else None
            raise StoreConflictError(self.url, pilot, base, theirs, document) from None
        except IntegrityError:  # the revision exists: another save made it (a second guard)
            theirs = self.get_meta(pilot) if self.head(pilot) is not None else None
            raise StoreConflictError(self.url, pilot, base, theirs, document) from None
        except (DBAPIError, SQLAlchemyError) as exc:
            raise self._error(f"cannot save {pilot}", exc) from None
        return rev

    def mark(self, pilot: str, name: str, revision: int | None = None, *, by: str | None = None) -> Milestone:
        name = (name or "").strip()
        if not name or len(name) > MAX_NAME:
            raise UnknownPilotError(self.url, pilot, f"a milestone needs a name of 1-{MAX_NAME} characters")
        mark = None
        try:
            with self._writing() as conn:
                pid, head = self._pilot_id(conn, pilot)
                number = head if revision is None else revision
                if not 1 <= number <= head:
                    raise UnknownPilotError(self.url, pilot, f"no revision {revision} (revisions 1-{head})")
                mark = Milestone(pilot, name, number, now(), (by or os_user())[:MAX_NAME])
                conn.execute(insert(milestones).values(pilot_id=pid, name=name, revision=number, marked_at=mark.marked_at,
                                                       marked_by=mark.marked_by))
        except IntegrityError:
            raise UnknownPilotError(self.url, pilot, f"a milestone is already named {name!r}") from None
        except (DBAPIError, SQLAlchemyError) as exc:
            raise self._error(f"cannot mark {pilot}", exc) from None
        return mark

    def _import(self, histories: Sequence[PilotHistory]) -> None:
        histories = [h for h in histories if h.revisions]
        if not histories:
            return
        try:
            with self._writing() as conn:
                ids = conn.execute(
                    insert(pilots).returning(pilots.c.id, sort_by_parameter_order=True),
                    [{"key": h.pilot, "head": h.revisions[-1].number, "name": h.revisions[-1].name[:MAX_NAME],
                      "updated": h.revisions[-1].saved_at} for h in histories],
                ).scalars().all()
                self._insert_revisions(conn, [(pid, r) for pid, h in zip(ids, histories, strict=True) for r in h.revisions])
                marks = [
                    {"pilot_id": pid, "name": m.name, "revision": m.revision, "marked_at": m.marked_at, "marked_by": m.marked_by}
                    for pid, h in zip(ids, histories, strict=True)
                    for m in h.milestones
                ]
                if marks:
                    conn.execute(insert(milestones), marks)
        except (DBAPIError, SQLAlchemyError) as exc:
            raise self._error("cannot import", exc) from None


class _Refused(Exception):
    """Inside a save: the base is not the latest revision (the transaction is rolled back)."""


def answer_table_queries(latest=None):
    """The three queries of :meth:`SQLStore.answer_table`: the latest revision of every pilot, its
    answers (``pilot, question, value, evidence``) and its triage answers. ``benchmarks/bench_store.py``
    times a bare ``pandas.read_sql`` of the same queries against it."""
    if latest is None:
        latest = select(pilots.c.id.label("pilot_id"), pilots.c.head.label("number")).subquery()
    heads = latest.join(revisions, and_(revisions.c.pilot_id == latest.c.pilot_id, revisions.c.number == latest.c.number)).join(
        pilots, pilots.c.id == revisions.c.pilot_id
    )
    return (
        select(pilots.c.key, revisions.c.number, revisions.c.name, revisions.c.saved_at, revisions.c.bank_id,
               revisions.c.bank_version, revisions.c.target).select_from(heads).order_by(pilots.c.key),
        select(pilots.c.key, answers.c.question, answers.c.value, answers.c.evidence).select_from(
            heads.join(answers, answers.c.revision_id == revisions.c.id)
        ),
        select(pilots.c.key, triage.c.question, triage.c.value).select_from(heads.join(triage, triage.c.revision_id == revisions.c.id)),
    )
