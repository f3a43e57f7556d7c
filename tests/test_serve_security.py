"""The preview server answers only its own address and serves only rendered outputs."""

from __future__ import annotations

import http.client
import threading

import pytest

from sectornotes.commands.serve import PreviewServer
from sectornotes.engine.run import build
from sectornotes.inputs.project import Project

pytestmark = pytest.mark.slow  # real servers and sockets


@pytest.fixture
def served(sample_project):
    assert build(Project(sample_project), formats=("html",)).ok
    (sample_project / "build/distribution.sqlite").write_text("client addresses")
    server = PreviewServer(Project(sample_project), port=0, log=lambda message: None)
    thread = threading.Thread(target=server.httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield server.httpd.server_address[1]
    server.httpd.shutdown()
    server.httpd.server_close()


def get(port: int, path: str, host: str | None = None, method: str = "GET") -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.putrequest(method, path, skip_host=True)
    connection.putheader("Host", f"127.0.0.1:{port}" if host is None else host)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body


@pytest.mark.parametrize("path", ["/html/capex-note.html", "/sources/capex-review.html",
                                  "/figures/big4-growth.svg", "/data/big4-growth.csv", "/"])
def test_rendered_outputs_are_served(served, path):
    status, body = get(served, path)
    assert status == 200 and body


@pytest.mark.parametrize("path", ["/distribution.sqlite", "/.state/state.json",
                                  "/manifest.json", "/html/", "/html/../manifest.json",
                                  "/html/.state", "/%2e%2e/house.yaml", "/pdf"])
def test_records_state_manifest_and_listings_are_not(served, path):
    for method in ("GET", "HEAD"):
        status, body = get(served, path, method=method)
        assert status == 404, (method, path)
        assert b"client addresses" not in body and b"state_version" not in body


@pytest.mark.parametrize("host", ["evil.example.com", "evil.example.com:{port}", "127.0.0.1",
                                  "localhost:1", ""])
def test_other_host_headers_are_refused(served, host):
    status, body = get(served, "/html/capex-note.html", host=host.format(port=served))
    assert status == 403 and b"Capex note" not in body


def test_localhost_by_name_is_accepted(served):
    assert get(served, "/html/capex-note.html", host=f"localhost:{served}")[0] == 200
