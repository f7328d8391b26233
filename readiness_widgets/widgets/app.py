"""The assessment form: header, triage, one tab per dimension, review, evidence scan, live results.

>>> import readiness_widgets as rw
>>> app = rw.assess("readiness.json")      # resumes the file if it exists   # doctest: +SKIP
>>> app                                     # displays the form               # doctest: +SKIP

The form subscribes to the assessment's one change signal (:attr:`Assessment.changed
<readiness_widgets.assessment.Assessment.changed>`): whatever changes it (a control, an accepted
scan suggestion, a reload from disk, code in another cell), the form scores it once into a
:class:`~readiness_widgets.result.Result` and every panel renders that result. No path that
changes data has to remember to refresh anything.

One app per assessment file per kernel: a second ``assess()`` on the same file returns the app
that is already open (the same widget and the same live Assessment, so two displays of it are two
views of one state and there is a single writer). Anything else that writes the file meanwhile
(the CLI, another kernel) is caught by the engine's conflict check: the header then says "save
failed" and offers "Reload from disk" or "Overwrite file".

In a store (``assess("churn", store="sqlite:///readiness.db")``, or ``$READINESS_STORE``), every
save is a new revision of the pilot, based on the revision the form loaded; a save refused
because someone else saved in between offers "Reload theirs" or "Keep mine as a new revision".
It is the same mechanism: the conflict error, the same two buttons, the assessment's ``reload()``
and ``save(force=True)``; only what "keep mine" does differs (a store keeps both revisions).
"""

from __future__ import annotations

import atexit
import contextlib
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ..api import Assessment
from ..assessment import AssessmentConflictError, Change
from ..bank import Bank, load_bank
from ..errors import ReadinessError
from ..result import Result, evaluate
from ..store import Store, check_key, key_for, open_store, store_url
from ._debounce import Debouncer
from ._html import STYLE, render
from .a11y import FormFrame
from .header import Header
from .question import QuestionRow, TriageForm
from .results import Results
from .review import Review
from .scan import ScanPanel

if TYPE_CHECKING:  # pragma: no cover
    from ..roadmap import Roadmap

AUTOSAVE_DELAY = 0.5  # seconds after the last change
REFRESH_DELAY = 0.25  # seconds after the last change, for the table, roadmap and review

_OPEN: dict[Path | str, ReadinessApp] = {}


def open_apps() -> dict[Path | str, ReadinessApp]:
    """The apps open in this kernel, by resolved file path (``STORE_URL#PILOT`` for a store)."""
    return dict(_OPEN)


def _registry_key(assessment: Assessment) -> Path | str | None:
    home = assessment.home
    if home is not None:
        return f"{home.store.url}#{home.pilot}"
    return assessment.path.resolve() if assessment.path is not None else None


def _reason(exc: BaseException) -> str:
    problems = getattr(exc, "problems", None)
    if problems:
        return "; ".join(p.message for p in problems)
    return str(exc) or type(exc).__name__


class ReadinessApp(w.VBox):
    """The form (a ``VBox``): display it to fill in the assessment; ``.assessment`` is the state."""

    def __init__(
        self,
        assessment: Assessment,
        *,
        autosave: bool = True,
        autosave_delay: float = AUTOSAVE_DELAY,
        refresh_delay: float = REFRESH_DELAY,
    ):
        super().__init__()
        self.add_class("rw-app")
        self.assessment = assessment
        self.bank: Bank = assessment.bank
        self.autosave = autosave and (assessment.path is not None or assessment.home is not None)
        self.rows: dict[str, QuestionRow] = {}
        self.result: Result = evaluate(assessment)
        self.last_save_error: str | None = None
        self._closed = False
        self._lock = threading.RLock()  # the timer thread (outside a kernel) and the controls
        self._dims = list(self.bank.dimension_ids)
        self._saver = Debouncer(autosave_delay, self._autosave_now)
        self._refresher = Debouncer(refresh_delay, self._refresh_slow)

        self.header = Header(assessment, self._on_meta)
        if assessment.respondent is not None:  # a team member: who they are and the team's triage are fixed
            self.header.pilot.disabled = self.header.respondents.disabled = True
            self.header.respondents.value = assessment.respondent.label
        self.header.save_now.on_click(lambda _: self.save())
        self.header.reload.on_click(lambda _: self.reload())
        self.header.overwrite.on_click(lambda _: self.save(force=True))
        if getattr(assessment.home, "keeps_history", False):
            self.header.name_conflict_choices(
                "Reload theirs", "Discard this form's unsaved changes and load the latest revision in the store",
                "Keep mine as a new revision", "Save this form's answers as a new revision on top of theirs (theirs stays in the history)",
            )
        self.header.next_unanswered.on_click(lambda _: self.next_unanswered())
        self.triage = TriageForm(self.bank, assessment, self._on_triage)
        if assessment.respondent is not None:
            for control in self.triage.controls.values():
                control.disabled = True
        # the review and the evidence scan are built when first opened (not on the first screen)
        self._review: Review | None = None
        self._scan: ScanPanel | None = None
        self.review_box = w.VBox([], layout=w.Layout(width="100%"))
        self.scan_box = w.VBox([], layout=w.Layout(width="100%"))
        self.sections: dict[str, w.VBox] = {d: w.VBox([], layout=w.Layout(width="100%")) for d in self._dims}
        self.tabs = w.Tab(
            children=[self.triage.box, *self.sections.values(), self.review_box, self.scan_box],
            layout=w.Layout(width="100%"),
        )
        self.tabs.observe(self._on_tab, "selected_index")
        self.results = Results(self.result)
        main = w.VBox([self.tabs])
        main.add_class("rw-main")
        body = w.HBox([main, self.results.box])
        body.add_class("rw-body")
        self.frame = FormFrame(
            label="Readiness assessment", regions={".rw-main": "Questions", ".rw-results": "Results"}
        )
        self.children = [w.HTML(value=STYLE), self.frame, self.header.box, body]
        self._show_progress(self.result)  # scored once above; the results drew it already
        self._refresher.schedule()  # the table, roadmap and review follow a moment later
        assessment.changed.connect(self._on_change)  # a weak reference: a closed app is forgotten
        if (assessment.path is not None or assessment.home is not None) and not self.autosave:
            self.header.show_status("autosave off", "#4b5563")

    # ---- reaching the controls ---------------------------------------------------------------
    def question(self, question_id: str) -> QuestionRow:
        """The row of one question, building its dimension's tab if it was never opened."""
        q = self.bank.question(question_id)
        self._build_section(q.dimension)
        return self.rows[question_id]

    def build_all(self) -> None:
        """Build every dimension's tab now (tabs are otherwise built when first opened)."""
        for d in self._dims:
            self._build_section(d)

    def tab_index(self, dimension_id: str) -> int:
        return 1 + self._dims.index(dimension_id)

    @property
    def review_index(self) -> int:
        return 1 + len(self._dims)

    @property
    def review(self) -> Review:
        """The review tab's view (built on first use, then kept up to date)."""
        if self._review is None:
            self._review = Review(self.show_question)
            self._review.refresh(self.result)
            self.review_box.children = [self._review.box]
        return self._review

    @property
    def scan(self) -> ScanPanel:
        """The evidence scan tab's view (built on first use: when a tab's questions need their slots)."""
        if self._scan is None:
            self._scan = ScanPanel(self.assessment)
            self.scan_box.children = [self._scan.widget]
        return self._scan

    @property
    def visible_questions(self) -> list[str]:
        """Ids of the question rows shown under the current triage (all tabs built)."""
        self.build_all()
        return [qid for qid, row in self.rows.items() if row.visible]

    def show_question(self, question_id: str) -> QuestionRow:
        """Open the question's tab, highlight it and put the keyboard focus on its answer."""
        row = self.question(question_id)
        self.tabs.selected_index = self.tab_index(row.question.dimension)
        for other in self.rows.values():
            other.box.remove_class("rw-current")
        row.box.add_class("rw-current")
        row.level.focus()
        return row

    def next_unanswered(self) -> QuestionRow | None:
        for q in self.bank.applicable_questions(self.assessment.triage):
            if self.assessment.value(q.id) is None and self.bank.asks(q.id, self.assessment.role):
                return self.show_question(q.id)
        self.header.show_status("every question that applies is answered", "#166534")
        return None

    def _build_section(self, dimension_id: str) -> None:
        box = self.sections[dimension_id]
        if box.children:
            return
        dim = self.bank.dimension(dimension_id)
        triage = self.assessment.triage
        rows = []
        role = self.assessment.role
        for q in self.bank.questions_in(dimension_id):
            row = QuestionRow(q, self.assessment, self._on_answer, slot=self.scan.slot(q.id))
            row.set_visible(self.bank.applies(q.id, triage) and self.bank.asks(q.id, role))
            self.rows[q.id] = row
            rows.append(row.box)
        intro = w.HTML(value=render("dimension_intro", d=dim))
        box.children = [intro, *rows]

    def _on_tab(self, change) -> None:
        index = change["new"]
        if index is not None and 1 <= index <= len(self._dims):
            self._build_section(self._dims[index - 1])
        elif index == self.review_index:
            self.review  # noqa: B018 - built when first shown
        elif index == self.review_index + 1:
            self.scan  # noqa: B018

    # ---- changes from the controls: written to the Assessment, nothing else -------------------
    def _on_answer(self, row: QuestionRow, **fields: Any) -> None:
        with self._lock:
            try:
                self.assessment.answer(row.id, **fields)
            except ReadinessError as exc:
                row.show_message(f"Not saved: {_escape(_reason(exc))}")
                row.refresh()
                return
            row.show_message("")

    def _on_triage(self, triage_id: str, value: str) -> None:
        with self._lock:
            self.assessment.set_triage(triage_id, value)

    def _on_meta(self, field: str, value: Any) -> None:
        with self._lock:
            a = self.assessment
            try:
                if field == "pilot":
                    a.pilot = value.strip()
                elif field == "respondents":
                    a.respondents = [n.strip() for n in value.split(",")]
                elif field == "target":
                    a.target = value
            except (ReadinessError, KeyError) as exc:
                self.header.show_status(f"{field} not changed: {_reason(exc)}", "#991b1b")
                self.header.refresh()

    # ---- the one subscriber: every change of the Assessment, from anywhere ---------------------
    def _on_change(self, change: Change) -> None:
        with self._lock:
            if self._closed:
                return
            if change.everything:
                self.header.refresh()
                for row in self.rows.values():
                    row.refresh()
            else:
                if "meta" in change.kinds:
                    self.header.refresh()
                for qid in change.question_ids:
                    if qid in self.rows:
                        self.rows[qid].refresh()  # a no-op for the control that made the change
            if change.everything or "triage" in change.kinds:
                self.triage.refresh()
                shown = zip(self.bank.applies_mask(self.assessment.triage), self.bank.asked_mask(self.assessment.role), strict=True)
                mask = dict(zip([q.id for q in self.bank.questions], (a and b for a, b in shown), strict=True))
                for qid, row in self.rows.items():
                    row.set_visible(mask[qid])
            self._refresh_fast()
            self._refresher.schedule()
            if change.everything:
                return  # just read from disk: nothing to save
            if self.autosave:
                self.header.show_pending()
                self._saver.schedule()

    # ---- results -----------------------------------------------------------------------------
    @property
    def scores(self):
        """The engine's scores of the current result (a :class:`~readiness_widgets.scoring.Scores`)."""
        return self.result.scores

    @property
    def roadmap(self) -> Roadmap:
        """The current result's roadmap (built on first use after each change)."""
        return self.result.roadmap

    def _refresh_fast(self) -> None:
        """Cheap, on every change: score once, then the radar in place, verdict, progress, tab titles."""
        self.result = evaluate(self.assessment)
        self._show_fast(self.result)

    def _show_fast(self, result: Result) -> None:
        self.results.update_fast(result)
        self._show_progress(result)

    def _show_progress(self, result: Result) -> None:
        self.header.show_progress(*result.progress)
        titles = ["Triage"]
        for d in result.dimensions:
            titles.append(f"{d.title} ({d.answered}/{d.applicable})")
        self.tabs.titles = (*titles, "Review", "Evidence scan")

    def _refresh_slow(self) -> None:
        """Debounced: the scores table, the roadmap and the review table."""
        with self._lock:
            self.results.update_slow(self.result)
            if self._review is not None:
                self._review.refresh(self.result)

    def flush(self) -> None:
        """Run the debounced refresh and autosave now (tests, and before the kernel stops)."""
        self._refresher.flush()
        self._saver.flush()

    # ---- saving ------------------------------------------------------------------------------
    def _autosave_now(self) -> None:
        self.save()

    def save(self, *, force: bool = False) -> bool:
        """Save through the engine's atomic save; show the outcome in the header. True if saved."""
        with self._lock:
            self._saver.cancel()
            try:
                saved = self.assessment.save(force=force)
            except AssessmentConflictError as exc:
                self.last_save_error = _reason(exc)
                self.header.show_failed(self.last_save_error, conflict=True)
                return False
            except (ReadinessError, OSError) as exc:
                self.last_save_error = _reason(exc)
                self.header.show_failed(self.last_save_error)
                return False
            self.last_save_error = None
            self.header.show_saved(revision=getattr(saved, "number", None))
            return True

    def reload(self) -> None:
        """Replace the form's state with the file on disk (after a conflict)."""
        with self._lock:
            self._saver.cancel()
            try:
                self.assessment.reload()  # the change signal redraws the form
            except ReadinessError as exc:
                self.header.show_status(f"reload failed: {_reason(exc)}", "#991b1b")
                return
            self._refresh_slow()
            self.header.show_saved()

    # ---- lifetime ----------------------------------------------------------------------------
    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Save what is pending, forget this app in the kernel's registry and close the widgets."""
        if self._closed:
            return
        self.flush()
        self._closed = True
        key = _registry_key(self.assessment)
        if key is not None and _OPEN.get(key) is self:
            del _OPEN[key]
        self.close_all_descendants()

    def close_all_descendants(self) -> None:
        self.assessment.changed.disconnect(self._on_change)
        for widget in _walk(self):
            widget.close()

    def __repr__(self) -> str:
        return f"<ReadinessApp {self.assessment!r} file={str(self.assessment.path)!r}>"


def _walk(widget: w.Widget):
    for child in getattr(widget, "children", ()):
        yield from _walk(child)
    yield widget


def _escape(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


def _pilot_from(path: Path) -> str:
    name = path.stem.replace("_", " ").replace("-", " ").strip()
    return name[:1].upper() + name[1:] if name else "My pilot"


def _set_target(a: Assessment, target: str, file: Path) -> None:
    from ..errors import AssessmentError, Problem

    try:
        a.target = target
    except KeyError as exc:
        raise AssessmentError([Problem(str(file), "target", str(exc.args[0]))]) from None


def assess(
    path: str | Path | None = None,
    bank: Bank | str | Path | None = None,
    target: str | None = None,
    *,
    pilot: str | None = None,
    respondents: list[str] | None = None,
    autosave: bool = True,
    store: str | Store | None = None,
    respondent: str | None = None,
    role: str | None = None,
) -> ReadinessApp:
    """Open the assessment form for ``path``: resume the file if it exists, else create it.

    ``bank`` is a Bank or a bank YAML path (default: the bundled bank). ``target`` sets the
    target profile. A second call on a file already open in this kernel returns that app.

    ``store`` (a URL such as ``sqlite:///readiness.db`` or a folder, or an open store; default
    ``$READINESS_STORE`` when no ``path`` is given): the form edits a pilot of that store instead
    of a file. ``path`` is then the pilot's key (``churn``; default: made from ``pilot``), and
    every save is a new revision recorded as saved from the form.

    With ``respondent`` and ``role``, ``path`` is a team folder (``readiness team new``): the
    form opens that respondent's own file (made on first use), shows only the questions the
    bank asks of the role, and never writes another person's file.
    """
    url = store if store is not None else (store_url() if path is None and respondent is None else None)
    if url:
        if respondent is not None or role is not None:
            raise ReadinessError("a team's answers live in a team folder: pass the folder, not store=")
        return _assess_in_store(url, path, bank, target, pilot=pilot, respondents=respondents, autosave=autosave)
    path = path if path is not None else "readiness.json"
    if respondent is not None or role is not None or _is_team(path):
        bank = bank if bank is None or isinstance(bank, Bank) else load_bank(bank)
        path = _member_file(path, respondent, role, bank)
        pilot, respondents = None, None
    file = Path(path).expanduser()
    key = file.resolve()
    current = _OPEN.get(key)
    if current is not None and not current.closed:
        _check_same(current, bank, target, file)
        return current
    if file.exists():
        a = Assessment.load(file, bank=bank)
        if target is not None and target != a.target:
            _set_target(a, target, file)
            fresh = False
        else:
            fresh = None
    else:
        a = Assessment.new(pilot or _pilot_from(file), bank=bank, respondents=respondents or (), path=file)
        if target is not None:
            _set_target(a, target, file)
        fresh = True
    return _open_app(a, key, fresh, autosave, resumed=f"resumed {file.name}")


def _open_app(a: Assessment, registry: Path | str, fresh: bool | None, autosave: bool, *, resumed: str) -> ReadinessApp:
    """The form on ``a``, registered under ``registry`` (one app per file or pilot in a kernel).

    ``fresh``: True for a new assessment, False for one whose target was just changed (both are
    saved at once when autosaving), None for one resumed as it was (the header says so)."""
    app = ReadinessApp(a, autosave=autosave)
    _OPEN[registry] = app
    if fresh is not None and autosave:
        app.save()
    elif fresh is None and autosave:
        app.header.show_status(resumed, "#166534")
    return app


def _check_same(current: ReadinessApp, bank, target: str | None, where) -> None:
    """A second ``assess()`` of an open file or pilot: the same bank, and the target follows."""
    if bank is not None:
        wanted = bank if isinstance(bank, Bank) else load_bank(bank)
        if (wanted.id, wanted.version) != (current.bank.id, current.bank.version):
            raise ReadinessError(
                f"{where}: already open in this kernel with bank {current.bank.id!r} "
                f"{current.bank.version}; call .close() on that app before opening it with "
                f"bank {wanted.id!r} {wanted.version}"
            )
    if target is not None and target != current.assessment.target:
        _set_target(current.assessment, target, where)  # the form follows the change signal


def _assess_in_store(url, path, bank, target, *, pilot, respondents, autosave) -> ReadinessApp:
    """The form on pilot ``path`` (a key) of a store: its latest revision, or a new pilot."""
    store = url if isinstance(url, Store) else open_store(url)
    if path is None and not pilot:
        raise ReadinessError(f"{store.url}: which pilot? pass its key (assess('churn', store=...)) or pilot='Its name'")
    key = check_key(key_for(str(path) if path is not None else pilot), store.url)
    registry = f"{store.url}#{key}"
    current = _OPEN.get(registry)
    if current is not None and not current.closed:
        _check_same(current, bank, target, registry)
        return current
    fresh: bool | None = None
    if store.head(key) is not None:
        loaded = bank if isinstance(bank, Bank) or bank is None else load_bank(bank)
        a = store.load(key, bank=loaded, cls=Assessment)
        a.home.source = "form"
        if target is not None and target != a.target:
            _set_target(a, target, registry)
            fresh = False
    else:
        a = Assessment.new(pilot or key, bank=bank, respondents=respondents or ())
        store.bind(a, key, source="form")
        if target is not None:
            _set_target(a, target, registry)
        fresh = True
    return _open_app(a, registry, fresh, autosave, resumed=f"resumed {key}, revision {a.home.base}")


def _is_team(path: str | Path) -> bool:
    from ..team import is_team_folder

    return is_team_folder(Path(path).expanduser())


def _member_file(folder: str | Path, respondent: str | None, role: str | None, bank: Bank | None) -> Path:
    """The respondent's own file in the team ``folder`` (made now if it does not exist)."""
    from ..errors import InputError, Problem
    from ..team import TeamFolder

    if not respondent or not role:
        raise InputError("form", [Problem(str(folder), "respondent" if not respondent else "role",
                                          "a team folder needs assess(FOLDER, respondent=NAME, role=ROLE)")])
    tf = TeamFolder(folder, bank=bank)
    current = tf.member_file(respondent)
    if current.resolve() in _OPEN and not _OPEN[current.resolve()].closed:
        return current  # open in this kernel already: the same form
    return tf.open_member(respondent, role, assessment_class=Assessment).path


@atexit.register
def _flush_open_apps() -> None:  # pragma: no cover - runs at interpreter exit
    for app in list(_OPEN.values()):
        with contextlib.suppress(Exception):  # never fail the interpreter's exit
            app.flush()


__all__ = ["ReadinessApp", "assess", "open_apps"]
