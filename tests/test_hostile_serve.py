"""Attacks on `serve` and on user-written links, each tried several ways.

Real HTTP requests (raw sockets and http.client) to the real preview server on
127.0.0.1, real project files, real `check` and real HTML builds.
"""

from __future__ import annotations

import dataclasses
import http.client
import json
import os
import socket
import threading

import pytest

from sectornotes.commands.serve import (
    CONNECTION_TIMEOUT,
    MAX_CONNECTIONS,
    MAX_REQUESTS_PER_CONNECTION,
    PreviewServer,
)
from sectornotes.engine.run import build
from sectornotes.inputs.project import Project
from sectornotes.inputs.urls import MAX_URL_LENGTH, safe_url, url_problem
from sectornotes.loaded.project import load_project
from sectornotes.render.html import render_source

from .conftest import SEED_YAML, edit_file, replaced

pytestmark = pytest.mark.slow  # real servers and sockets

SECRETS = (b"state_version", b"client addresses", b"LEDGER-ROW", b"EXTRACT-CACHE", b"HIDDEN-PAGE",
           b"OUTSIDE-PDF", b"root:x:0:0", b"Traceback", b"Directory listing", b"<title>")


# ---------------------------------------------------------------- a served, planted project


@pytest.fixture
def planted(sample_project, tmp_path):
    """A built project with internals, a ledger, a cache and links planted in build/."""
    assert build(Project(sample_project), formats=("html",)).ok
    built = sample_project / "build"
    (built / "distribution.sqlite").write_text("client addresses")
    (built / "distribution.sqlite.migrated").write_text("LEDGER-ROW client addresses")
    (built / ".state/extract").mkdir(parents=True, exist_ok=True)
    (built / ".state/extract/cached.html").write_text("EXTRACT-CACHE")
    (built / "html/.hidden.html").write_text("HIDDEN-PAGE")
    (built / "pdf").mkdir()
    (built / "pdf/capex-note.pdf").write_bytes(b"%PDF-1.7 a real file in build/pdf\n")
    os.symlink("/etc/passwd", built / "html/passwd.html")
    os.symlink("/etc/passwd", built / "data/passwd.csv")
    os.symlink(built / "manifest.json", built / "html/manifest.html")  # a link inside build/
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.svg").write_text("<svg>OUTSIDE-PDF</svg>")
    os.symlink(outside, built / "sources-linked")
    return sample_project


@pytest.fixture
def serving(planted):
    """Start a preview server on a free port; yields a function making one with limits."""
    started: list[PreviewServer] = []
    logged: list[str] = []

    def start(**limits) -> int:
        server = PreviewServer(Project(planted), port=0, log=logged.append, **limits)
        thread = threading.Thread(target=server.httpd.serve_forever, args=(0.02,), daemon=True)
        thread.start()
        started.append(server)
        return server.httpd.server_address[1]

    start.logged = logged  # type: ignore[attr-defined]
    yield start
    for server in started:
        server.httpd.shutdown()
        server.httpd.server_close()


@pytest.fixture
def port(serving) -> int:
    return serving()


def raw_request(port: int, target: bytes, method: bytes = b"GET") -> tuple[int, bytes, bytes]:
    """Send a request line exactly as written (no client-side normalising); status, headers,
    body."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(method + b" " + target + b" HTTP/1.1\r\nHost: 127.0.0.1:"
                     + str(port).encode() + b"\r\nConnection: close\r\n\r\n")
        answer = read_all(sock)
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), head, body


def read_all(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


ENCODED_TRAVERSAL = [
    b"/html/%2e%2e/manifest.json", b"/html/%2E%2E/manifest.json", b"/html/.%2e/manifest.json",
    b"/html/%2e%2e/%2estate/state.json", b"/html/%2e%2e/distribution.sqlite.migrated",
    b"/html/%2e%2e/distribution.sqlite", b"/sources/%2e%2e/%2e%2e/house.yaml",
    b"/html/%252e%252e/manifest.json", b"/html/../manifest.json", b"/html/./../manifest.json",
    b"/./manifest.json", b"/manifest.json", b"/distribution.sqlite.migrated",
    b"/%2estate/state.json", b"/.state/extract/cached.html", b"/html/%2e%2e/%2estate/extract/"
    b"cached.html", b"/html/.hidden.html", b"/html/%2ehidden.html", b"/rixml/capex-note.xml",
    b"/html/capex-note.json", b"/html/capex-note.html/", b"/html//capex-note.html",
    b"//html/capex-note.html/../../manifest.json", b"/sources-linked/secret.svg",
]
LISTINGS = [b"/html/%2e%2e/#", b"/html/%2e%2e/%2estate/#", b"/html/%2e%2e/%2estate/extract/#",
            b"/", b"/html/", b"/sources/", b"/figures/", b"/data/", b"/pdf/", b"/.state/",
            b"/.state/extract/", b"/html/%2e%2e/", b"/html", b"/html/#"]
MALFORMED = [b"/html/capex-note.html%00", b"/html/capex-note%00.html", b"/html/\x00.html",
             b"/html\\..\\manifest.json", b"/html/%5c..%5cmanifest.json", b"/html/..%2fmanifest.json",
             b"/html/..%2Fmanifest.json", b"/html/%ff.html", b"/html/%0a.html",
             b"http://127.0.0.1/manifest.json", b"*"]
SYMLINKS = [b"/html/passwd.html", b"/data/passwd.csv", b"/html/manifest.html"]


@pytest.mark.parametrize("target", ENCODED_TRAVERSAL + LISTINGS + MALFORMED + SYMLINKS)
def test_no_path_reaches_internals_listings_or_linked_files(planted, port, target, serving,
                                                             capfd):
    for method in (b"GET", b"HEAD"):
        status, head, body = raw_request(port, target, method)
        if target == b"/":
            assert status == 200  # the preview's own index page, not a listing of build/
            assert b"Directory listing" not in body and b"manifest" not in body
            continue
        assert status in (400, 404), (method, target, status)
        assert b"text/plain" in head
        for secret in SECRETS:
            assert secret not in body, (method, target, secret)
        assert str(planted).encode() not in body and b"build" not in body
    assert "Traceback" not in capfd.readouterr().err
    assert serving.logged == []


@pytest.mark.parametrize("target", MALFORMED)
def test_nul_backslash_and_encoded_slashes_are_a_plain_400(port, target):
    status, _, body = raw_request(port, target)
    assert status == 400, target
    assert body.startswith(b"400 ") and b"Traceback" not in body


def test_a_fragment_or_traversal_is_a_plain_404_naming_nothing(port):
    for target in (b"/html/%2e%2e/#", b"/html/%2e%2e/manifest.json", b"/html/passwd.html"):
        status, _, body = raw_request(port, target)
        assert (status, body) in ((400, b"400 a request path starts with / and has no fragment\n"),
                                  (404, b"404 not a rendered note, figure or source\n")), target


def test_a_linked_output_folder_is_not_followed(planted, port, tmp_path):
    figures = planted / "build/figures"
    figures.rename(tmp_path / "real-figures")
    os.symlink(tmp_path / "outside", figures)  # build/figures -> a folder outside build/
    status, _, body = raw_request(port, b"/figures/secret.svg")
    assert status == 404 and b"OUTSIDE-PDF" not in body


@pytest.mark.parametrize("target, content_type", [
    (b"/html/capex-note.html", b"text/html"), (b"/sources/capex-review.html", b"text/html"),
    (b"/figures/big4-growth.svg", b"image/svg+xml"), (b"/data/big4-growth.csv", b"text/csv"),
    (b"/pdf/capex-note.pdf", b"application/pdf"), (b"/html/capex%2Dnote.html", b"text/html"),
    (b"/html/capex-note.html?reload=1", b"text/html"), (b"/index.html", b"text/html")])
def test_rendered_outputs_are_still_served(port, target, content_type):
    status, head, body = raw_request(port, target)
    assert status == 200 and content_type in head and body
    if content_type == b"text/html":
        assert b'new EventSource("/__events")' in body
    status, head, body = raw_request(port, target, b"HEAD")
    assert status == 200 and b"Content-Length: 0" not in head and body == b""


def test_the_page_links_a_reader_follows_are_served(planted, port):
    """Every relative link of a built note page resolves to a 200 or to a missing PDF."""
    import re

    page = (planted / "build/html/capex-note.html").read_text(encoding="utf-8")
    links = {link.split("#")[0] for link in re.findall(r'(?:href|src)="\.\./([^"#]+)', page)}
    assert links
    for link in sorted(links):
        assert raw_request(port, b"/" + link.encode())[0] == 200, link


# ---------------------------------------------------------------- connection limits


def get_on(connection: http.client.HTTPConnection, path: str, port: int) -> http.client.HTTPResponse:
    connection.request("GET", path, headers={"Host": f"127.0.0.1:{port}"})
    response = connection.getresponse()
    response.read()
    return response


def test_limits_are_documented_defaults():
    assert (MAX_CONNECTIONS, MAX_REQUESTS_PER_CONNECTION, CONNECTION_TIMEOUT) == (32, 100, 15.0)


def test_a_connection_over_the_cap_gets_503_and_a_freed_slot_serves_again(serving):
    port = serving(max_connections=3)
    held = [http.client.HTTPConnection("127.0.0.1", port, timeout=10) for _ in range(3)]
    for connection in held:  # each answered once and kept open: it holds a slot
        assert get_on(connection, "/html/capex-note.html", port).status == 200
    for _ in range(5):  # over the cap, however often it is tried
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            answer = read_all(sock)
        assert answer.startswith(b"HTTP/1.1 503 ") and answer.endswith(
            b"503 too many open connections to the preview\n")
    held.pop().close()
    for _attempt in range(200):  # the slot frees when the server sees the close
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(f"GET /html/capex-note.html HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                         "Connection: close\r\n\r\n".encode())
            answer = read_all(sock)
        if answer.startswith(b"HTTP/1.1 200 "):
            break
    else:
        pytest.fail("a freed connection slot was never reused")
    for connection in held:
        connection.close()


def test_a_connection_serves_a_bounded_number_of_requests(serving):
    port = serving(requests_per_connection=5)
    request = (f"GET /figures/big4-growth.svg HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"
               .encode())
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request * 5)  # exactly the limit, pipelined on one connection
        answer = read_all(sock)  # returns: the server closes after the fifth
        assert answer.count(b"HTTP/1.1 200 OK") == 5
        assert answer.count(b"Connection: close") == 1
        try:
            sock.sendall(request)
            assert read_all(sock) == b""
        except (BrokenPipeError, ConnectionResetError):
            pass


def test_keep_alive_serves_many_requests_on_one_connection(port):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.connect()
    first_socket = connection.sock
    for _ in range(10):
        assert get_on(connection, "/figures/big4-growth.svg", port).status == 200
    assert connection.sock is first_socket
    connection.close()


def test_a_silent_connection_is_closed_after_the_timeout(serving):
    port = serving(connection_timeout=0.3)
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(b"GET /html/capex-note.html HTTP/1.1\r\n")  # never finishes its headers
        assert read_all(sock) == b""  # closed by the server, not by this client's timeout
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        assert read_all(sock) == b""  # a connection that never sends anything


def test_slow_clients_do_not_block_others(serving):
    port = serving(max_connections=4)
    idle = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(2)]
    assert raw_request(port, b"/html/capex-note.html")[0] == 200
    for sock in idle:
        sock.close()


# ---------------------------------------------------------------- the URL policy


UNSAFE_URLS = {
    "javascript:alert(1)": "only http(s) links are allowed, got 'javascript:'",
    "JaVaScRiPt:alert(document.cookie)": "only http(s) links are allowed, got 'JaVaScRiPt:'",
    "data:text/html,<script>alert(1)</script>": "only http(s) links are allowed, got 'data:'",
    "vbscript:msgbox(1)": "only http(s) links are allowed, got 'vbscript:'",
    "file:///etc/passwd": "only http(s) links are allowed, got 'file:'",
    "//evil.example/x": "'//evil.example/x' has no scheme (a protocol-relative link)",
    " javascript:alert(1)": "' javascript:alert(1)' contains a space at position 1",
    "\x01javascript:alert(1)": "'\\x01javascript:alert(1)' contains the character U+0001 at "
                               "position 1",
    "java\tscript:alert(1)": "'java\\tscript:alert(1)' contains the character U+0009 at position 5",
    "https://example.com/\u200b": "contains the character U+200B at position 21",
    "https:evil.example": "'https:evil.example' has no host after the scheme",
    "https://bank.example@evil.example/": "names a user before '@'",
    "https://example.com\\@evil.example": "contains a backslash",
    "https://" + "a" * MAX_URL_LENGTH: f"characters long; a link may have at most {MAX_URL_LENGTH}",
}


@pytest.mark.parametrize("url, message", UNSAFE_URLS.items())
def test_the_url_policy_refuses(url, message):
    assert message in (url_problem(url) or "")
    assert safe_url(url) is None


@pytest.mark.parametrize("url", ["https://example.com/report.html?page=2#top",
                                 "http://news.example.invalid/a", "HTTPS://Example.COM/x",
                                 "https://例子.中国/文章", "https://[2001:db8::1]:8443/x"])
def test_the_url_policy_accepts_web_addresses(url):
    assert url_problem(url) is None and safe_url(url) == url


def errors(root) -> list[str]:
    return [f.format() for f in load_project(Project(root), cache=False).errors]


def yaml_string(text: str) -> str:
    """A YAML double-quoted scalar (a JSON string is one; control characters escaped)."""
    return json.dumps(text)


@pytest.mark.parametrize("url, message", [
    ("javascript:alert(1)", "only http(s) links are allowed, got 'javascript:'; write the full "
                            "address, e.g. https://example.com/report"),
    ("JAVAscript:alert(1)", "only http(s) links are allowed, got 'JAVAscript:'"),
    ("\x00javascript:alert(1)", "'\\x00javascript:alert(1)' contains the character U+0000"),
    ("  javascript:alert(1)", "'  javascript:alert(1)' contains a space at position 1"),
    ("data:text/html;base64,PHNjcmlwdD4=", "only http(s) links are allowed, got 'data:'"),
    ("vbscript:x", "only http(s) links are allowed, got 'vbscript:'"),
    ("file:///etc/passwd", "only http(s) links are allowed, got 'file:'"),
    ("//evil.example", "'//evil.example' has no scheme (a protocol-relative link)"),
])
def test_check_reports_a_bad_source_url_at_its_position(make_project, url, message):
    seed = replaced(SEED_YAML, "  kind: research-note\n",
                    f"  kind: research-note\n  url: {yaml_string(url)}\n")
    root = make_project({"seeds/capex-review.yaml": seed})
    found = [e for e in errors(root) if "url" in e]
    assert len(found) == 1 and found[0].startswith(
        "seeds/capex-review.yaml:7:8: error: source.url: "), found
    assert message in found[0]


def test_check_accepts_a_correct_https_url(make_project):
    seed = replaced(SEED_YAML, "  kind: research-note\n",
                    "  kind: research-note\n  url: https://example.com/capex-review\n")
    assert errors(make_project({"seeds/capex-review.yaml": seed})) == []


def test_check_reports_a_bad_firm_website(make_project):
    root = make_project()
    edit_file(root / "house.yaml", "website: https://example.invalid/lanternfield",
              "website: JavaScript:alert(1)")
    assert [e for e in errors(root) if "website" in e] == [
        "house.yaml:31:12: error: firm.website: only http(s) links are allowed, got "
        "'JavaScript:'; write the full address, e.g. https://example.com/report"]


def test_the_source_page_renders_no_unsafe_link_even_unvalidated(sample_project):
    """Defense in depth: a model whose url skipped validation still gives no link."""
    model = load_project(Project(sample_project), cache=False)
    source = model.registry.sources["capex-review"]
    for url, linked in (("javascript:alert(1)", False), ("  JAVASCRIPT:alert(1)", False),
                        ("//evil.example", False), ("https://example.com/r", True)):
        unchecked = dataclasses.replace(source, meta=source.meta.model_copy(update={"url": url}))
        page = render_source(Project(sample_project), unchecked, model.registry).html
        assert ('class="original" href=' in page) is linked, url
        assert 'href="javascript' not in page.lower() and 'href="  ' not in page.lower()


def test_a_template_override_gets_only_safe_urls(sample_project):
    (sample_project / "templates").mkdir()
    (sample_project / "templates/source.html").write_text(
        '<a id="raw" href="{{ meta.url }}">original</a>', encoding="utf-8")
    model = load_project(Project(sample_project), cache=False)
    source = model.registry.sources["capex-review"]
    unchecked = dataclasses.replace(source, meta=source.meta.model_copy(
        update={"url": "javascript:alert(1)"}))
    page = render_source(Project(sample_project), unchecked, model.registry).html
    assert "javascript" not in page


def test_note_prose_links_follow_the_same_policy(sample_project):
    edit_file(sample_project / "notes/capex-note.yaml", "  - Demand may disappoint.",
              "  - Demand may disappoint ([a](javascript:alert(1)), [b](JAVASCRIPT:x), "
              "[c](//evil.example), [d](https://example.com/ok), [e](#fig-big4-growth)).")
    assert build(Project(sample_project), formats=("html",)).ok
    page = (sample_project / "build/html/capex-note.html").read_text(encoding="utf-8")
    assert 'href="https://example.com/ok"' in page and 'href="#fig-big4-growth"' in page
    assert "href=\"javascript" not in page.lower() and 'href="//evil' not in page
