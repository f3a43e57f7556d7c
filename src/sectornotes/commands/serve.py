"""`sectornotes serve`: a local preview that rebuilds on save and reloads open pages.

One worker thread owns every build (the engine's lock allows one at a time):
HTML first, so the page updates quickly, then PDFs. Pages are told about new
builds and errors through server-sent events; an error shows as an overlay
with file:line and the server keeps running.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import queue
import shutil
import socket
import stat
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

from ..inputs.project import Project
from ..language.i18n import rating_label
from ..render import outputs

WATCHED = ("seeds", "figures", "notes", "templates", "house.yaml")

# Limits of the preview server (docs/architecture.md, "serve"). A browser opens at most
# six connections to a host, so these bound a misbehaving local client, not a reader.
MAX_CONNECTIONS = 32  # open at once; one more is answered 503 and closed at once
MAX_REQUESTS_PER_CONNECTION = 100  # keep-alive requests before the connection is closed
CONNECTION_TIMEOUT = 15.0  # seconds a connection may stay silent before it is closed

# What a preview serves: the rendered output folders, each with the suffixes it holds.
# Never build state, the manifest, records or anything a build leaves beside them.
SERVED_OUTPUTS = {"html": (".html",), "sources": (".html",), "figures": (".svg",),
                  "data": (".csv",), "pdf": (".pdf",)}
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".svg": "image/svg+xml",
                 ".csv": "text/csv; charset=utf-8", ".pdf": "application/pdf"}
PAGES = ("/", "/index.html", "/__events")
CLIENT_SCRIPT = """<script>
(function () {
  var served = %(version)d;
  function overlay(errors) {
    var box = document.getElementById("sectornotes-overlay");
    if (!errors.length) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement("div");
      box.id = "sectornotes-overlay";
      box.style.cssText = "position:fixed;inset:0;background:rgba(20,20,30,.92);color:#fff;" +
        "font:14px/1.5 monospace;padding:2rem;overflow:auto;z-index:99999;white-space:pre-wrap";
      document.body.appendChild(box);
    }
    box.textContent = "sectornotes: the last build failed\\n\\n" + errors.join("\\n");
  }
  var source = new EventSource("/__events");
  source.addEventListener("state", function (event) {
    var state = JSON.parse(event.data);
    if (state.errors.length) { overlay(state.errors); return; }
    if (state.version !== served) { location.reload(); return; }
    overlay([]);
  });
})();
</script>"""


@dataclass
class PreviewState:
    """What open pages need to know: the build version and the current errors."""

    version: int = 0
    errors: list[str] = field(default_factory=list)
    built_at: dict[str, str] = field(default_factory=dict)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def publish(self, errors: list[str]) -> None:
        with self.changed:
            if not errors:
                self.version += 1
            self.errors = errors
            self.changed.notify_all()

    def snapshot(self) -> dict:
        return {"version": self.version, "errors": list(self.errors)}


class PreviewServer:
    """The HTTP server, the file watcher and the build worker, tied together."""

    def __init__(self, project: Project, host: str = "127.0.0.1", port: int = 8000,
                 jobs: int = 1, log=print, max_connections: int = MAX_CONNECTIONS,
                 requests_per_connection: int = MAX_REQUESTS_PER_CONNECTION,
                 connection_timeout: float = CONNECTION_TIMEOUT):
        self.project, self.jobs, self.log = project, jobs, log
        self.requests_per_connection = requests_per_connection
        self.connection_timeout = connection_timeout
        self.state = PreviewState()
        self.requests: queue.Queue[str] = queue.Queue()
        self.stopping = threading.Event()
        handler = _handler_for(self)
        try:
            self.httpd = _PreviewHTTPServer((host, port), handler, max_connections, log)
        except OSError as error:
            from ..errors import SectornotesError

            raise SectornotesError(f"cannot listen on {host}:{port} ({error.strerror}); "
                                   "choose another port with --port (0 picks a free one)"
                                   ) from None

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        host_text = host.decode() if isinstance(host, bytes) else str(host)
        return f"http://{host_text}:{port}/"

    # ------------------------------------------------------------ building

    def build_once(self, formats: tuple[str, ...], notes: tuple[str, ...] = ()) -> list[str]:
        """Build and return error lines (empty when everything built)."""
        from ..engine.run import build
        from ..errors import SectornotesError

        try:
            result = build(self.project, notes, formats=formats, jobs=self.jobs)
        except SectornotesError as error:
            return [str(error)]
        errors = [f.format() for f in result.findings if f.severity == "error"]
        errors += [f"build/{output}: {message}" for output, message in
                   sorted(result.failed.items()) if not errors]
        now = dt.datetime.now().strftime("%H:%M:%S")
        for output in result.built:
            self.state.built_at[output] = now
        return errors

    def _worker(self) -> None:
        # PDFs are built one note at a time, between saves: a save waits for at most
        # one note's PDF before its HTML is rebuilt.
        pending_pdf = self._note_ids()
        while not self.stopping.is_set():
            try:
                self.requests.get(timeout=0.05 if pending_pdf else 1.0)
            except queue.Empty:
                if pending_pdf:
                    errors = self.build_once(("pdf",), (pending_pdf.pop(0),))
                    if errors:
                        self.state.publish(errors)
                        pending_pdf = []
                continue
            while not self.requests.empty():  # one rebuild for a burst of saves
                self.requests.get_nowait()
            errors = self.build_once(("html",))
            self.state.publish(errors)
            self.log("rebuilt HTML" if not errors else f"build failed: {errors[0]}")
            pending_pdf = [] if errors else self._note_ids()

    def _note_ids(self) -> list[str]:
        return [path.stem for path in self.project.note_files()]

    def _watch(self) -> None:
        from watchfiles import watch

        paths = [self.project.root / name for name in WATCHED if (self.project.root / name).exists()]
        for _changes in watch(*paths, stop_event=self.stopping, debounce=50, step=20,
                              rust_timeout=500, yield_on_timeout=False):
            self.requests.put("change")

    # ------------------------------------------------------------ lifecycle

    def serve_forever(self) -> None:
        """Initial build, then serve until Ctrl-C or stop()."""
        self.state.publish(self.build_once(("html",)))
        threads = [threading.Thread(target=self._worker, daemon=True, name="build"),
                   threading.Thread(target=self._watch, daemon=True, name="watch")]
        for thread in threads:
            thread.start()
        try:
            self.httpd.serve_forever(poll_interval=0.2)
        finally:
            self.stopping.set()
            with self.state.changed:
                self.state.changed.notify_all()
            self.httpd.server_close()

    def stop(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()

    # ------------------------------------------------------------ pages

    def index_page(self) -> bytes:
        from ..loaded.project import load_project

        report = load_project(self.project)
        house = report.house
        rows = []
        for note_id, loaded in sorted(report.notes.items()):
            note = loaded.spec
            rating = note.rating
            if house is not None:
                rating = rating_label(house, note.rating_scale, rating, note.language) or rating
            built = self.state.built_at.get(outputs.note_html(note_id)) or _modified(
                self.project.build_dir / outputs.note_html(note_id))
            rows.append(
                f"<tr><td><a href='/{outputs.note_html(note_id)}'>{html.escape(note.title)}</a></td>"
                f"<td>{html.escape(rating)}</td><td>{note.status}</td><td>{built}</td>"
                f"<td><a href='/{outputs.note_pdf(note_id)}'>PDF</a></td></tr>")
        body = ("<h1>sectornotes preview</h1><table><tr><th>Note</th><th>Rating</th>"
                "<th>Status</th><th>Last build</th><th></th></tr>" + "".join(rows) + "</table>")
        page = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>sectornotes preview"
                f"</title><style>body{{font-family:sans-serif;margin:2rem}}td,th{{padding:4px 12px;"
                f"text-align:left}}</style></head><body>{body}</body></html>")
        return self.with_client_script(page.encode("utf-8"))

    def with_client_script(self, page: bytes) -> bytes:
        script = (CLIENT_SCRIPT % {"version": self.state.version}).encode("utf-8")
        if b"</body>" in page:
            return page.replace(b"</body>", script + b"</body>", 1)
        return page + script


class _PreviewHTTPServer(ThreadingHTTPServer):
    """One thread per connection, at most `max_connections` of them at once.

    A connection over the cap is answered 503 from the accepting thread and closed, so a
    flood of connections costs no threads. A browser closing a connection (a reload, a
    closed tab) is not an error to print; any other error is one line, never a traceback.
    """

    daemon_threads = True
    request_queue_size = 64  # the listen backlog: connections waiting to be accepted

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler],
                 max_connections: int, log) -> None:
        self.connection_slots = threading.BoundedSemaphore(max_connections)
        self.log = log
        super().__init__(address, handler)

    def process_request(self, request, client_address) -> None:
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

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.connection_slots.release()

    def handle_error(self, request, client_address) -> None:
        import sys

        error = sys.exc_info()[1]
        if not isinstance(error, (ConnectionError, TimeoutError)):
            self.log(f"preview: a request failed: {type(error).__name__}: {error}")


_BUSY_BODY = b"503 too many open connections to the preview\n"
BUSY_RESPONSE = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
                 b"Content-Length: %d\r\nRetry-After: 1\r\nConnection: close\r\n\r\n%s"
                 % (len(_BUSY_BODY), _BUSY_BODY))


def _turn_away(request: socket.socket) -> None:
    """Answer 503 without a thread and without waiting on the client."""
    try:
        request.setblocking(False)
        try:  # read what already arrived, so closing does not reset the connection
            request.recv(65536)
        except BlockingIOError:
            pass
        request.sendall(BUSY_RESPONSE)
    except OSError:
        pass


def _modified(path: Path) -> str:
    try:
        stamp = dt.datetime.fromtimestamp(path.stat().st_mtime)
    except FileNotFoundError:
        return "not built"
    return stamp.strftime("%Y-%m-%d %H:%M:%S")


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


def _handler_for(server: PreviewServer) -> type[BaseHTTPRequestHandler]:
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

        def log_message(self, format, *args):  # noqa: A002 - keep the console for builds
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

        def send_error(self, code, message=None, explain=None) -> None:
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
