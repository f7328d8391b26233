"""The Voila server `readiness dashboard` runs, for real (no browser): this machine only (the Host
check, HTTP and websocket), kernels bounded (a 'busy' page beyond the cap), the opt-in token.

Each test starts Voila on a free loopback port exactly as `readiness dashboard` does
(tests/ui/harness.py) and sends raw requests with http.client and tornado's websocket client.
"""

from __future__ import annotations

import asyncio
import http.client
import re
import shutil
import sys
from pathlib import Path

import pytest

pytest.importorskip("voila")

sys.path.insert(0, str(Path(__file__).parent / "ui"))
from harness import kernel_pids, voila, wait_for_kernels

from readiness_widgets.demo import demo_folder

pytestmark = pytest.mark.slow

NO_PREHEAT = ["--VoilaConfiguration.preheat_kernel=False"]


@pytest.fixture
def folder(tmp_path):
    box = tmp_path / "assessments"
    shutil.copytree(demo_folder(), box)
    return box


def port_of(url: str) -> int:
    return int(url.rstrip("/").rsplit(":", 1)[1])


def request(url: str, path: str, *, host: str | None = None, method: str = "GET", headers=None, body=None):
    """(status, headers, body) of one raw request to the server at ``url``, ``Host`` as given."""
    conn = http.client.HTTPConnection("127.0.0.1", port_of(url), timeout=120)
    try:
        conn.putrequest(method, path, skip_host=True)
        conn.putheader("Host", host if host is not None else f"127.0.0.1:{port_of(url)}")
        for key, value in (headers or {}).items():
            conn.putheader(key, value)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        resp = conn.getresponse()
        return resp.status, resp.msg, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


def websocket_status(url: str, path: str, *, host: str, origin: str, cookie: str | None = None) -> int:
    """101 if a websocket to ``path`` opens with these headers, else the HTTP status it got."""
    from tornado.httpclient import HTTPClientError, HTTPRequest
    from tornado.websocket import websocket_connect

    headers = {"Host": host, "Origin": origin}
    if cookie:
        headers["Cookie"] = cookie

    async def attempt():
        try:
            conn = await websocket_connect(HTTPRequest(f"ws://127.0.0.1:{port_of(url)}{path}", headers=headers))
        except HTTPClientError as exc:
            return exc.code
        conn.close()
        return 101

    return asyncio.run(attempt())


def listening(port: int) -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
    except OSError:
        return False
    return True


def kernel_id(page: str) -> str:
    return re.search(r'"kernelId": "([0-9a-f-]{36})"', page).group(1)


def cookies(headers) -> str:
    """The ``Cookie`` header a browser would send back after these response headers."""
    return "; ".join(c.split(";", 1)[0] for c in headers.get_all("Set-Cookie") or [])


# ---- this machine only ---------------------------------------------------------------------------


FOREIGN = ["evil.example:{port}", "127.0.0.1:{other}", "localhost:{other}", "127.0.0.2:{port}", "127.0.0.1", "evil.example"]
LOCAL = ["127.0.0.1:{port}", "localhost:{port}", "[::1]:{port}", "LOCALHOST:{port}"]


def test_only_requests_for_this_machine_are_answered_http_and_websocket(folder, tmp_path):
    with voila("dashboard", folder, log_dir=tmp_path) as url:
        port = port_of(url)
        fill = {"port": port, "other": port + 1}
        wait_for_kernels(url, lambda n: n == 1, 120)  # the preheated kernel
        status, headers, page = request(url, "/")
        assert status == 200
        kid = kernel_id(page)
        # The visit took the preheated kernel and the pool refills: count once that has happened
        # (counted before it, the refill once looked like a kernel started by a refused request).
        before, _ = wait_for_kernels(url, lambda n: n == 2, 60)
        assert before == 2
        paths = ["/", "/?file=churn-predictor-2026-11.json", "/voila/static/voila.js", f"/api/kernels/{kid}",
                 "/voila/templates/readiness/static/missing.css", "/voila/files/churn-predictor-2026-11.json",
                 "/voila/labextensions/x", "/login", "/anything"]
        for host in FOREIGN:
            host = host.format(**fill)
            for path in paths:
                status, _, body = request(url, path, host=host)
                assert status == 403, (host, path, status)
                assert "127.0.0.1, localhost or [::1]" in body
            assert request(url, f"/voila/api/shutdown/{kid}", host=host, method="POST", body=b"")[0] == 403
            origin = f"http://{host}"
            for ws in (f"/api/kernels/{kid}/channels", f"/voila/query/{kid}"):
                assert websocket_status(url, ws, host=host, origin=origin) == 403, (host, ws)
        assert len(kernel_pids(url)) == before  # no refused request started a kernel
        for host in LOCAL:
            host = host.format(**fill)
            assert request(url, "/voila/static/voila.js", host=host)[0] == 200, host
        local = f"127.0.0.1:{port}"
        jar = cookies(headers)
        assert websocket_status(url, f"/api/kernels/{kid}/channels", host=local, origin=f"http://{local}", cookie=jar) == 101
        assert websocket_status(url, f"/voila/query/{kid}", host=local, origin=f"http://{local}") == 101


# ---- kernels bounded -------------------------------------------------------------------------------


def test_a_visit_beyond_the_cap_gets_the_busy_page_not_a_kernel(folder, tmp_path):
    with voila("dashboard", folder, log_dir=tmp_path, extra_args=NO_PREHEAT, max_kernels=2) as url:
        assert [request(url, "/")[0] for _ in range(2)] == [200, 200]
        assert len(kernel_pids(url)) == 2
        for _ in range(3):
            status, headers, body = request(url, "/")
            assert status == 503
            assert headers["Retry-After"] == "30"
            assert "<h1>The dashboard is busy</h1>" in body
            assert "All 2 kernels this server may run are in use." in body
            assert "--max-kernels" in body
            assert "Traceback" not in body
            assert "https://" not in body  # nothing fetched, no CDN
            assert "http://" not in body
        assert len(kernel_pids(url)) == 2


def test_the_preheated_kernel_counts_and_the_pool_refills_within_the_cap(folder, tmp_path):
    with voila("dashboard", folder, log_dir=tmp_path, max_kernels=3) as url:
        assert wait_for_kernels(url, lambda n: n == 1, 120)[0] == 1  # the preheated one
        statuses = []
        for _ in range(5):
            statuses.append(request(url, "/")[0])
            assert len(kernel_pids(url)) <= 3
        # The first visit takes the preheated kernel and the second starts one. Whether the third
        # gets the last slot or the pool's refill does is a race the server may win either way;
        # what may never happen is a fourth kernel, or a 200 after a 503.
        served = statuses.count(200)
        assert served in (2, 3), statuses
        assert statuses == [200] * served + [503] * (5 - served)
        count, _ = wait_for_kernels(url, lambda n: n == 3, 30)
        assert count == 3  # the pages and, if a slot is left, the refilled pool: never more


def test_kernels_of_pages_nobody_opened_are_culled(folder, tmp_path):
    with voila("dashboard", folder, log_dir=tmp_path, max_kernels=3) as url:
        wait_for_kernels(url, lambda n: n == 1, 120)
        assert [request(url, "/")[0] for _ in range(2)] == [200, 200]  # no websocket ever connects
        assert wait_for_kernels(url, lambda n: n == 3, 30)[0] == 3
        count, waited = wait_for_kernels(url, lambda n: n == 1, 90)  # culled after 40 s idle, checked every 10 s
        assert count == 1, f"{count} kernels left after {waited:.0f} s"
        assert request(url, "/")[0] == 200  # room again


# ---- the opt-in token ---------------------------------------------------------------------------------


def test_with_a_token_nothing_is_served_or_started_without_it(folder, tmp_path):
    token = "s3cret-token-for-the-test"
    with voila("dashboard", folder, log_dir=tmp_path, token=token, max_kernels=3) as url:
        wait_for_kernels(url, lambda n: n == 1, 120)
        status, headers, _ = request(url, "/")
        assert status in (302, 403)
        assert "/login" in headers.get("Location", "/login")
        assert request(url, "/?token=wrong")[0] in (302, 403)
        assert len(kernel_pids(url)) == 1  # the preheated one only: no visitor got a kernel
        status, headers, page = request(url, f"/?token={token}")
        assert status == 200
        kid = kernel_id(page)
        local = f"127.0.0.1:{port_of(url)}"
        assert websocket_status(url, f"/api/kernels/{kid}/channels", host=local, origin=f"http://{local}") == 403
        jar = cookies(headers)
        assert websocket_status(url, f"/api/kernels/{kid}/channels", host=local, origin=f"http://{local}", cookie=jar) == 101
        # the token is asked for, not written into the page; the server's variable is not inherited
        # by the kernels (they do see the URL of the visit that started them, as Voila passes it on)
        assert token not in page.replace(f"token={token}", "")
        for pid in kernel_pids(url):
            assert b"READINESS_DASHBOARD_TOKEN" not in Path(f"/proc/{pid}/environ").read_bytes()


# ---- Binder: Voila as a Jupyter server extension ---------------------------------------------------


def test_binder_server_extension_caps_kernels_too(tmp_path):
    """`install_server_config` as binder/postBuild runs it, then a real Jupyter server with it."""
    import os
    import subprocess
    import time

    from harness import free_port

    from readiness_widgets.serve import install_server_config

    config, data, root = tmp_path / "config", tmp_path / "data", tmp_path / "repo"
    config.mkdir()
    shutil.copytree(Path(__file__).resolve().parents[1] / "dashboards", root / "dashboards")
    install_server_config(config, data, max_kernels=2)
    port, token = free_port(), "binder-test-token"
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(config), "JUPYTER_DATA_DIR": str(data),
           "READINESS_ASSESSMENTS": str(root / "dashboards" / "assessments")}
    cmd = [sys.executable, "-m", "jupyter_server", f"--port={port}", "--no-browser", "--allow-root",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}", "--ServerApp.port_retries=0"]
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen(cmd, env=env, cwd=root, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while not listening(port):
            assert proc.poll() is None, (tmp_path / "server.log").read_text()
            assert time.monotonic() < deadline, "the Jupyter server did not start within 60 s"
            time.sleep(0.5)
        page = f"/voila/render/dashboards/readiness_dashboard.ipynb?token={token}"
        statuses, bodies = zip(*[request(url, page)[::2] for _ in range(3)], strict=True)
        assert statuses == (200, 200, 503)
        assert "<h1>The dashboard is busy</h1>" in bodies[2]
        assert "All 2 kernels this server may run are in use." in bodies[2]
        children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
        assert len(children) == 2
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
