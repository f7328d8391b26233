"""The Voila server `readiness dashboard` runs: Voila, with four guards it does not have.

    python -m readiness_widgets.voila_app NOTEBOOK --port=8866 ...   (what serve.voila_command builds)

1. **This machine only.** Every request, HTTP or websocket, whose ``Host`` header is not
   ``127.0.0.1:PORT``, ``localhost:PORT`` or ``[::1]:PORT`` gets 403 before any handler runs,
   so a page that reaches the port through DNS rebinding reads and drives nothing. Voila's own
   settings cannot do this: the standalone app sets ``allow_remote_access=True``, Jupyter
   Server's check ignores the port, and Voila's static-file handlers and its ``/voila/query``
   websocket are not Jupyter handlers, so they skip it.
2. **Kernels bounded.** At most ``BoundedKernelManager.max_kernels`` kernels run at once (the
   preheated one included). A visit that would need one more gets a 503 "busy, try again" page,
   not a kernel; refilling the preheated pool waits for a free slot.
3. **Closing a page stops its kernel.** Voila's page sends a shutdown beacon on close with the
   ``_xsrf`` cookie's value, but nothing set that cookie, so the request was refused. The page
   handler sets it. Idle kernels with no page connected are culled as well (``voila.json``), for
   pages that close without the beacon (a crash, a killed browser).
4. **Opt-in token.** ``$READINESS_DASHBOARD_TOKEN`` (set by ``readiness dashboard --token``) is
   the token Jupyter's identity provider asks for; it is removed from the environment before any
   kernel starts, and never appears on a command line.
"""

from __future__ import annotations

import asyncio
import os

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from tornado.routing import Matcher, Rule
from traitlets import Integer
from voila.app import Voila
from voila.tornado.handler import TornadoVoilaHandler

from .serve import DEFAULT_MAX_KERNELS, ENV_TOKEN

PREHEAT_ENV = "VOILA_PREHEAT"  # Voila sets it to "True" in the environment of a pool kernel
BUSY_RETRY_SECONDS = 30


def allowed_hosts(port: int) -> frozenset[str]:
    """The ``Host`` header values a request to this machine's dashboard may carry."""
    return frozenset({f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"})


# ---- 1. this machine only ---------------------------------------------------------------------


class ForeignHost(Matcher):
    """Matches a request whose ``Host`` is not one of :func:`allowed_hosts` for the app's port."""

    def __init__(self, app: Voila):
        self.app = app

    def match(self, request):
        return None if (request.host or "").lower() in allowed_hosts(self.app.port) else {}

    def reverse(self, *args):
        return None


class ForeignHostHandler(web.RequestHandler):
    """403 for every method: the request did not name this machine."""

    def prepare(self):
        self.set_status(403)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish("403 Forbidden: this dashboard answers requests for 127.0.0.1, localhost or [::1] on its own port only\n")

    def check_xsrf_cookie(self):  # refused anyway; tornado would answer 403 "XSRF" first
        return None


# ---- 2. kernels bounded -----------------------------------------------------------------------


class BoundedKernelManager(AsyncMappingKernelManager):
    """Voila's kernel manager with a cap on the kernels running or starting at once."""

    max_kernels = Integer(
        DEFAULT_MAX_KERNELS,
        min=1,
        config=True,
        help="Most kernels at once, the preheated one included; a visit beyond gets a 'busy' page.",
    )

    def kernel_count(self) -> int:
        """Kernels running or starting (a starting kernel is pending until it is ready)."""
        return len(set(self._kernels) | set(getattr(self, "_pending_kernels", {})))

    def has_room(self) -> bool:
        return self.kernel_count() < self.max_kernels

    async def start_kernel(self, **kwargs):
        env = kwargs.get("env") or {}
        if env.get(PREHEAT_ENV) == "True":  # refilling the preheated pool: wait for a free slot
            while not self.has_room():
                await asyncio.sleep(1)
        elif not self.has_room():
            raise web.HTTPError(503, "All %d kernels this server may run are in use", self.max_kernels)
        # no await between the check and the pending kernel's registration: the cap holds
        return await super().start_kernel(**kwargs)


class PageHandler(TornadoVoilaHandler):
    """Voila's page handler: refuses a visit when no kernel is free (503, our template's
    ``503.html``: "The dashboard is busy"), and sets the ``_xsrf`` cookie."""

    @web.authenticated
    async def get(self, path=None):
        if not path:  # the page itself (with a path, Voila only redirects to a file)
            manager = self.kernel_manager
            if hasattr(manager, "has_room") and not manager.has_room():
                raise web.HTTPError(503, "All %d kernels this server may run are in use", manager.max_kernels)
            # Voila's close beacon posts this cookie's value back: without it the shutdown is refused
            self.xsrf_token  # noqa: B018 - reading it sets the cookie
        return await super().get(path)

    def write_error(self, status_code: int, **kwargs):
        if status_code == 503:  # the page itself is our template's 503.html ("The dashboard is busy")
            self.set_header("Retry-After", str(BUSY_RETRY_SECONDS))
            self.set_header("Cache-Control", "no-store")
        return super().write_error(status_code, **kwargs)


# ---- the app ----------------------------------------------------------------------------------


class ReadinessVoila(Voila):
    """Voila with the guards above; configured exactly as Voila (``voila.json``, ``--Voila.*``)."""

    def initialize(self, argv=None):
        token = os.environ.pop(ENV_TOKEN, None)  # gone before any kernel inherits the environment
        super().initialize(argv)
        if token:
            self.token = token

    def init_settings(self):
        self.voila_configuration.multi_kernel_manager_class = BoundedKernelManager
        return super().init_settings()

    def init_handlers(self):
        handlers = []
        for spec in super().init_handlers():
            if spec[1] is TornadoVoilaHandler:
                spec = (spec[0], PageHandler, *spec[2:])
            handlers.append(spec)
        return handlers

    def listen(self):
        # before every other rule, for every handler Voila added (static files and websockets too)
        self.app.default_router.rules.insert(0, Rule(ForeignHost(self), ForeignHostHandler))
        super().listen()


main = ReadinessVoila.launch_instance

if __name__ == "__main__":
    main()
