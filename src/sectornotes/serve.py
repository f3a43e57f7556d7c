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
import queue
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from . import outputs
from .i18n import rating_label
from .project import Project

WATCHED = ("seeds", "figures", "notes", "templates", "house.yaml")
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
                 jobs: int = 1, log=print):
        self.project, self.jobs, self.log = project, jobs, log
        self.state = PreviewState()
        self.requests: queue.Queue[str] = queue.Queue()
        self.stopping = threading.Event()
        handler = _handler_for(self)
        try:
            self.httpd = _QuietServer((host, port), handler)
        except OSError as error:
            from .errors import SectornotesError

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
        from .engine import build
        from .errors import SectornotesError

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
        from .model import load_project

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


class _QuietServer(ThreadingHTTPServer):
    """A browser closing a connection (a reload, a closed tab) is not an error to print."""

    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


def _modified(path: Path) -> str:
    try:
        stamp = dt.datetime.fromtimestamp(path.stat().st_mtime)
    except FileNotFoundError:
        return "not built"
    return stamp.strftime("%Y-%m-%d %H:%M:%S")


# Only rendered outputs are served: never build state, the manifest or anything else.
SERVED_FOLDERS = ("html", "pdf", "figures", "data", "sources")


def _handler_for(server: PreviewServer):
    build_dir = server.project.build_dir

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(build_dir), **kwargs)

        def log_message(self, format, *args):  # noqa: A002 - keep the console for builds
            pass

        def _refused(self) -> bool:
            """Refuse other Host names (DNS rebinding) and everything but rendered outputs."""
            port = server.httpd.server_address[1]
            allowed = {f"{name}:{port}" for name in ("127.0.0.1", "localhost", "[::1]")}
            if self.headers.get("Host", "") not in allowed:
                self.send_error(HTTPStatus.FORBIDDEN, "unknown Host: this preview answers only "
                                f"http://127.0.0.1:{port}/")
                return True
            path = self.path.split("?", 1)[0]
            if path in ("/", "/index.html", "/__events"):
                return False
            parts = path.lstrip("/").split("/")
            if len(parts) < 2 or not parts[-1] or parts[0] not in SERVED_FOLDERS or any(
                    p.startswith(".") for p in parts):
                self.send_error(HTTPStatus.NOT_FOUND, "not a rendered note, figure or source")
                return True
            return False

        def do_HEAD(self):  # noqa: N802 - http.server's naming
            if not self._refused():
                super().do_HEAD()

        def do_GET(self):  # noqa: N802 - http.server's naming
            if self._refused():
                return None
            path = self.path.split("?", 1)[0]
            if path == "/__events":
                return self._events()
            if path in ("/", "/index.html"):
                return self._send(server.index_page(), "text/html; charset=utf-8")
            if path.endswith(".html"):
                target = Path(self.translate_path(path))
                if target.is_file() and target.resolve().is_relative_to(build_dir.resolve()):
                    page = server.with_client_script(target.read_bytes())
                    return self._send(page, "text/html; charset=utf-8")
            return super().do_GET()

        def _send(self, body: bytes, content_type: str) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def _events(self) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            state = server.state
            last = None
            try:
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
            except (BrokenPipeError, ConnectionResetError):
                return

    return Handler
