"""A stand-in for the browser side of widget comms, in the style of ipywidgets' own ``DummyComm``.

Every widget made while the ``frontend`` fixture is active gets a :class:`RecordingComm`: what
the kernel sends (``comm_open``, state ``update`` messages, custom messages) is recorded, and
:meth:`Frontend.update` / :meth:`Frontend.custom` feed the widget the messages a browser would
send, through the comm's public ``handle_msg``. Tests then assert on state and on messages,
without calling any private widget method.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import comm
from comm.base_comm import BaseComm


@dataclass(frozen=True)
class Message:
    kind: str  # comm_open, comm_msg, comm_close
    data: dict


class RecordingComm(BaseComm):
    """A comm that records what it publishes and can be handed messages from the 'browser'."""

    def __init__(self, frontend: Frontend, **kwargs: Any):
        self.messages: list[Message] = []
        self._frontend = frontend
        super().__init__(**kwargs)
        frontend.comms[self.comm_id] = self

    def publish_msg(self, msg_type: str, data=None, metadata=None, buffers=None, **keys: Any) -> None:
        self.messages.append(Message(msg_type, data or {}))
        self._frontend.log.append((self.comm_id, Message(msg_type, data or {})))


class Frontend:
    """The browser's side of every widget comm opened while it is installed."""

    def __init__(self):
        self.comms: dict[str, RecordingComm] = {}
        self.log: list[tuple[str, Message]] = []

    def create_comm(self, *args: Any, **kwargs: Any) -> RecordingComm:
        return RecordingComm(self, *args, **kwargs)

    def comm(self, widget) -> RecordingComm:
        return self.comms[widget.model_id]

    # ---- what the kernel sent --------------------------------------------------------------
    def updates(self, widget) -> list[dict]:
        """The state updates the kernel sent for ``widget`` (``{"name": value, ...}`` each)."""
        return [m.data["state"] for m in self.comm(widget).messages if m.kind == "comm_msg" and m.data.get("method") == "update"]

    def customs(self, widget) -> list[Any]:
        """The custom messages the kernel sent to ``widget``'s view."""
        return [m.data["content"] for m in self.comm(widget).messages if m.kind == "comm_msg" and m.data.get("method") == "custom"]

    def opened_since(self, mark: int) -> list[str]:
        """Ids of the comms (widgets) opened after ``mark = len(frontend.log)``."""
        return [cid for cid, m in self.log[mark:] if m.kind == "comm_open"]

    # ---- what the browser sends ------------------------------------------------------------
    def update(self, widget, **state: Any) -> None:
        """The user changed ``state`` in the browser (a click, a key, typing)."""
        browser_update(widget, **state)

    def custom(self, widget, content: Any) -> None:
        """The widget's view sent a custom message (``model.send(content)`` in its JavaScript)."""
        browser_custom(widget, content)


def _receive(widget, data: dict) -> None:
    """Hand ``widget`` a message from its view, through its comm's public ``handle_msg``."""
    widget.comm.handle_msg({"content": {"comm_id": widget.model_id, "data": data}, "buffers": []})


def browser_update(widget, **state: Any) -> None:
    """What the browser sends when the user changes ``state`` (works with any comm)."""
    _receive(widget, {"method": "update", "state": state})


def browser_custom(widget, content: Any) -> None:
    """What the browser sends for ``model.send(content)`` in a widget's JavaScript (any comm)."""
    _receive(widget, {"method": "custom", "content": content})


def install(monkeypatch) -> Frontend:
    frontend = Frontend()
    monkeypatch.setattr(comm, "create_comm", frontend.create_comm)
    return frontend
