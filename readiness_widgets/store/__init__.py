"""One store of assessments, with every revision kept; three backends chosen by a URL.

>>> from readiness_widgets.store import open_store
>>> store = open_store("sqlite:///readiness.db")        # or "./assessments", "postgresql+psycopg://..."  # doctest: +SKIP
>>> a = store.load("churn", bank=bank)                   # the latest revision, bound to the store  # doctest: +SKIP
>>> a.answer("data.lineage", 3); a.save()                # revision n+1, or StoreConflictError       # doctest: +SKIP
>>> [(r.number, r.saved_by, r.source) for r in store.history("churn")]                               # doctest: +SKIP

========================================  ==========================================================
URL                                       backend
========================================  ==========================================================
``./assessments``, ``file:./assessments``  a folder of JSON files (:mod:`.folder`), history in ``.history/``
``sqlite:///readiness.db``                SQLite (:mod:`.sql`): the embedded default for a portfolio
``postgresql+psycopg://user@host/db``     PostgreSQL for an organisation (psycopg 3)
========================================  ==========================================================

``$READINESS_STORE`` names the store when none is given (:func:`store_url`). See docs/store.md.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from .base import (
    ENV_STORE,
    SOURCES,
    AnswerTable,
    Changes,
    Milestone,
    PilotHistory,
    Revision,
    RevisionAnswers,
    Store,
    StoreConflictError,
    StoreError,
    StoreRecord,
    UnknownPilotError,
    check_key,
    key_for,
)

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


def store_url(url: str | None = None) -> str | None:
    """``url``, else ``$READINESS_STORE``, else None."""
    return url or os.environ.get(ENV_STORE) or None


def redact(url: str) -> str:
    """``url`` as it may be printed or logged: a password becomes ``***``."""
    m = _SCHEME.match(url)
    if m is None or m.group(1).lower() == "file":
        return url
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return re.sub(r"(//[^:/@]*:)[^@/]*@", r"\1***@", url)


def is_folder(url: str) -> bool:
    m = _SCHEME.match(url)
    return m is None or m.group(1).lower() == "file" or len(m.group(1)) == 1  # C:\... on Windows


def open_store(url: str | os.PathLike[str] | None = None, *, create: bool = True) -> Store:
    """The store at ``url`` (default ``$READINESS_STORE``).

    ``create``: make the folder or the SQLite file if missing (PostgreSQL databases must exist;
    their tables are created and migrated either way). Raises :class:`StoreError` with a message
    that never holds the password.
    """
    text = store_url(os.fspath(url) if url is not None else None)
    if not text:
        raise StoreError(f"no store: pass --store URL (or store=URL), or set ${ENV_STORE}")
    if is_folder(text):
        from .folder import FolderStore

        folder = text[5:] if text.lower().startswith("file:") else text
        if folder.startswith("//"):  # file:///abs/path
            folder = folder[2:]
        return FolderStore(Path(folder), url=text, create=create)
    scheme = _SCHEME.match(text).group(1).lower()
    if not scheme.startswith(("sqlite", "postgres")):
        raise StoreError(f"{redact(text)}: unknown store URL scheme {scheme!r} (expected a folder, file:, sqlite: or postgresql:)")
    try:
        from .sql import SQLStore
    except ImportError as exc:  # the store extra is not installed
        raise StoreError(f"{redact(text)}: a database store needs SQLAlchemy and Alembic: pip install 'readiness-widgets[store]' ({exc.name})") from None
    return SQLStore(text, create=create)


__all__ = [
    "ENV_STORE",
    "SOURCES",
    "AnswerTable",
    "Changes",
    "Milestone",
    "PilotHistory",
    "Revision",
    "RevisionAnswers",
    "Store",
    "StoreConflictError",
    "StoreError",
    "StoreRecord",
    "UnknownPilotError",
    "check_key",
    "is_folder",
    "key_for",
    "open_store",
    "redact",
    "store_url",
]
