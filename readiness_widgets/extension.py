"""IPython extension: ``%load_ext readiness_widgets`` registers the ``%readiness`` line magic.

    %readiness                       # readiness.json in the current folder
    %readiness churn.json --target production --bank my_bank.yaml

The magic returns the form (so it displays as the cell's result); bad input is a one-line error.
"""

from __future__ import annotations

import argparse
import shlex

USAGE = "%readiness [PATH] [--bank BANK.yaml] [--target PROFILE] [--pilot NAME] [--no-autosave]"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # no SystemExit inside the kernel
        raise ValueError(message)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="%readiness", usage=USAGE, add_help=False)
    p.add_argument("path", nargs="?", default="readiness.json")
    p.add_argument("--bank")
    p.add_argument("--target")
    p.add_argument("--pilot")
    p.add_argument("--no-autosave", dest="autosave", action="store_false")
    return p


def readiness_magic(line: str = ""):
    """Open the assessment form for PATH (default ``readiness.json``); resumes the file if it exists."""
    from IPython.core.error import UsageError

    from .errors import ReadinessError
    from .widgets import assess

    try:
        args = _parser().parse_args(shlex.split(line))
    except ValueError as exc:
        raise UsageError(f"{exc}\nusage: {USAGE}") from None
    try:
        return assess(args.path, bank=args.bank, target=args.target, pilot=args.pilot, autosave=args.autosave)
    except (ReadinessError, KeyError) as exc:
        raise UsageError(str(exc)) from None


def load_ipython_extension(ipython) -> None:
    """Register ``%readiness`` (called by ``%load_ext readiness_widgets``)."""
    ipython.register_magic_function(readiness_magic, magic_kind="line", magic_name="readiness")
