"""The preview's HTTP side: connection limits, the one request-path policy, the handler.

`serve.py` ties it to the build worker and the file watcher; the handler sees
that through `PreviewSite`, so this module knows nothing else of the preview.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Protocol, TypedDict
from urllib.parse import unquote

from ..inputs.project import Project

# What a preview serves: the rendered output folders, each with the suffixes it holds.
# Never build state, the manifest, records or anything a build leaves beside them.
SERVED_OUTPUTS = {"html": (".html",), "sources": (".html",), "figures": (".svg",),
                  "data": (".csv",), "pdf": (".pdf",)}
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".svg": "image/svg+xml",
                 ".csv": "text/csv; charset=utf-8", ".pdf": "application/pdf"}
PAGES = ("/", "/index.html", "/__events")


class StateSnapshot(TypedDict):
    """What the event stream sends open pages: the build version and the current errors."""

    version: int
    errors: list[str]


class StateFeed(Protocol):
    """The build state the event stream follows."""

    @property
    def changed(self) -> threading.Condition: ...

    def snapshot(self) -> StateSnapshot: ...


class PreviewSite(Protocol):
    """What the request handler needs of the preview it answers for."""

    @property
    def project(self) -> Project: ...

    @property
    def httpd(self) -> ThreadingHTTPServer: ...

    @property
    def state(self) -> StateFeed: ...

    @property
    def stopping(self) -> threading.Event: ...

    @property
    def requests_per_connection(self) -> int: ...

    @property
    def connection_timeout(self) -> float: ...

    @property
    def log(self) -> Callable[[str], None]: ...

    def index_page(self) -> bytes: ...

    def with_client_script(self, page: bytes) -> bytes: ...


# socketserver's request: a TCP connection (or, for datagram servers, data and a socket).
Request = socket.socket | tuple[bytes, socket.socket]


class PreviewHTTPServer(ThreadingHTTPServer):
    """One thread per connection, at most `max_connections` of them at once.

    A connection over the cap is answered 503 from the accepting thread and closed, so a
    flood of connections costs no threads. A browser closing a connection (a reload, a
    closed tab) is not an error to print; any other error is one line, never a traceback.
    """

    daemon_threads = True
    request_queue_size = 64  # the listen backlog: connections waiting to be accepted

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler],
                 max_connections: int, log: Callable[[str], None]) -> None:
        self.connection_slots = threading.BoundedSemaphore(max_connections)
        self.log = log
        super().__init__(address, handler)

    def process_request(self, request: Request, client_address: object) -> None:
        if not self.connection_slots.acquire(blocking=False):
            _turn_away(request)
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:  # the thread did not start: its slot is free again
            self.connection_slots.release()
            self.shutdown_request(request)
            raise

    def process_request_thread(self, request: Request, client_address: object) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.connection_slots.release()

    def handle_error(self, request: Request, client_address: object) -> None:
        import sys

        error = sys.exc_info()[1]
        if not isinstance(error, (ConnectionError, TimeoutError)):
            self.log(f"preview: a request failed: {type(error).__name__}: {error}")


_BUSY_BODY = b"503 too many open connections to the preview\n"
BUSY_RESPONSE = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
                 b"Content-Length: %d\r\nRetry-After: 1\r\nConnection: close\r\n\r\n%s"
                 % (len(_BUSY_BODY), _BUSY_BODY))


def _turn_away(request: Request) -> None:
    """Answer 503 without a thread and without waiting on the client."""
    if isinstance(request, tuple):  # a datagram: nothing to answer on
        return
    try:
        request.setblocking(False)
        try:  # read what already arrived, so closing does not reset the connection
            request.recv(65536)
        except BlockingIOError:
            pass
        request.sendall(BUSY_RESPONSE)
    except OSError:
        pass


# ---------------------------------------------------------------- request paths


class RequestRefused(Exception):
    """A request path the preview does not serve; the message is safe to show the client."""

    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status


_NOT_SERVED = "not a rendered note, figure or source"


def resolve_request_path(build_dir: Path, target: str) -> str | Path:
    """The one place a request path becomes a file: one of `PAGES`, or a file in build/.

    The path is percent-decoded exactly once; NUL, backslashes, control characters,
    encoded slashes and invalid UTF-8 are a 400; dot segments, empty segments, names
    starting with '.', folders other than the rendered outputs, suffixes those folders
    do not hold, symbolic links anywhere below build/ and anything that resolves outside
    build/ are a 404. Raises `RequestRefused`; its message names no internal path.
    """
    path = target.split("?", 1)[0]
    decoded = _decoded(path)
    if decoded in PAGES:
        return decoded
    segments = decoded[1:].split("/")
    if len(segments) != 2 or segments[0] not in SERVED_OUTPUTS:
        raise RequestRefused(HTTPStatus.NOT_FOUND, _NOT_SERVED)
    folder, name = segments
    suffix = os.path.splitext(name)[1]
    if name.startswith(".") or suffix not in SERVED_OUTPUTS[folder] or name == suffix:
        raise RequestRefused(HTTPStatus.NOT_FOUND, _NOT_SERVED)
    return _confined_file(build_dir, folder, name)


def _decoded(path: str) -> str:
    """The request path percent-decoded once, or a 400 for what no output path contains."""
    bad = HTTPStatus.BAD_REQUEST
    if not path.startswith("/") or "#" in path:
        raise RequestRefused(bad, "a request path starts with / and has no fragment")
    lowered = path.lower()
    if any(code in lowered for code in ("%2f", "%5c", "%00")):
        raise RequestRefused(bad, "encoded slashes and NUL are not allowed in a path")
    try:
        decoded = unquote(path, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise RequestRefused(bad, "the path is not valid UTF-8") from None
    if "%" in decoded:  # encoded twice (%252e) or malformed: no output name has a '%'
        raise RequestRefused(bad, "the path is encoded twice or malformed")
    if any(char == "\\" or ord(char) < 32 or ord(char) == 127 for char in decoded):
        raise RequestRefused(bad, "backslashes and control characters are not allowed in a path")
    return decoded


def _confined_file(build_dir: Path, folder: str, name: str) -> Path:
    """build/<folder>/<name> when both are real (not linked) and the file is regular."""
    candidate = build_dir / folder / name
    for part, is_kind in ((build_dir / folder, stat.S_ISDIR), (candidate, stat.S_ISREG)):
        try:
            mode = os.lstat(part).st_mode
        except (OSError, ValueError):
            raise RequestRefused(HTTPStatus.NOT_FOUND, _NOT_SERVED) from None
        if stat.S_ISLNK(mode) or not is_kind(mode):
            raise RequestRefused(HTTPStatus.NOT_FOUND, _NOT_SERVED)
    if not candidate.resolve().is_relative_to(build_dir.resolve()):
        raise RequestRefused(HTTPStatus.NOT_FOUND, _NOT_SERVED)
    return candidate


# ---------------------------------------------------------------- the handler


def handler_for(server: PreviewSite) -> type[BaseHTTPRequestHandler]:
    """The request handler class for `server`: every request path through
    `resolve_request_path`, pages with the reload script, and the event stream."""
    build_dir = server.project.build_dir

    class Handler(BaseHTTPRequestHandler):
        # HTTP/1.1 keeps a connection for the page, its figures and its source pages;
        # `handle` closes it after `requests_per_connection` requests.
        protocol_version = "HTTP/1.1"
        server_version = "sectornotes-preview"
        sys_version = ""
        timeout = server.connection_timeout
        last_request = False  # the connection's last request: its answer says so
        answered = False  # headers sent: an error can no longer be answered with a status

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - keep the console for builds
            pass

        def handle(self) -> None:
            self.close_connection = True
            for number in range(1, server.requests_per_connection + 1):
                self.last_request = number == server.requests_per_connection
                self.handle_one_request()
                if self.close_connection:
                    return

        def end_headers(self) -> None:
            self.answered = True
            if self.last_request and not self.close_connection:
                self.send_header("Connection", "close")
            super().end_headers()

        def send_error(self, code: int, message: str | None = None,
                       explain: str | None = None) -> None:
            """Every refusal, ours or http.server's, is plain text and closes the connection."""
            status = HTTPStatus(code)
            body = f"{status.value} {message or status.phrase}\n".encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD" and status.value >= 200:
                self.wfile.write(body)

        def do_HEAD(self) -> None:  # noqa: N802 - http.server's naming
            self._answer(head_only=True)

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self._answer(head_only=False)

        def _answer(self, head_only: bool) -> None:
            self.answered = False
            try:
                self._refuse_other_hosts()
                target = resolve_request_path(build_dir, self.path)
                if target == "/__events":
                    return self._events(head_only)
                if isinstance(target, str):
                    return self._send(server.index_page(), "text/html; charset=utf-8",
                                      head_only)
                return self._send_file(target, head_only)
            except RequestRefused as refused:
                self.send_error(refused.status, str(refused))
            except (ConnectionError, TimeoutError):
                self.close_connection = True
            except Exception as error:  # one line on the console, never a traceback
                server.log(f"preview: {self.command} failed: {type(error).__name__}: {error}")
                if not self.answered:
                    self.send_error(HTTPStatus.INTERNAL_SERVER_ERROR,
                                    "the preview could not answer; see its console")
                self.close_connection = True

        def _refuse_other_hosts(self) -> None:
            """Answer only our own address by name (no DNS rebinding)."""
            port = server.httpd.server_address[1]
            allowed = {f"{name}:{port}" for name in ("127.0.0.1", "localhost", "[::1]")}
            if self.headers.get("Host", "") not in allowed:
                raise RequestRefused(HTTPStatus.FORBIDDEN, "unknown Host: this preview "
                                     f"answers only http://127.0.0.1:{port}/")

        def _send_file(self, path: Path, head_only: bool) -> None:
            try:  # O_NOFOLLOW: a link swapped in after the checks is still not followed
                descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            except OSError:
                raise RequestRefused(HTTPStatus.NOT_FOUND, _NOT_SERVED) from None
            with os.fdopen(descriptor, "rb") as file:
                if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                    raise RequestRefused(HTTPStatus.NOT_FOUND, _NOT_SERVED)
                content_type = CONTENT_TYPES[path.suffix]
                if path.suffix == ".html":
                    page = server.with_client_script(file.read())
                    return self._send(page, content_type, head_only)
                self._start(os.fstat(file.fileno()).st_size, content_type)
                if not head_only:
                    shutil.copyfileobj(file, self.wfile)

        def _start(self, length: int, content_type: str) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(length))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()

        def _send(self, body: bytes, content_type: str, head_only: bool) -> None:
            self._start(len(body), content_type)
            if not head_only:
                self.wfile.write(body)

        def _events(self, head_only: bool) -> None:
            # A stream has no length: it ends with its connection.
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.end_headers()
            if head_only:
                return
            state = server.state
            last = None
            while not server.stopping.is_set():
                snapshot = state.snapshot()
                if snapshot != last:
                    message = f"event: state\ndata: {json.dumps(snapshot)}\n\n"
                    self.wfile.write(message.encode("utf-8"))
                    self.wfile.flush()
                    last = snapshot
                with state.changed:
                    state.changed.wait(timeout=10)
                if state.snapshot() == last:
                    self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()

    return Handler
