"""`sectornotes serve`: a local preview that rebuilds on save and reloads open pages.

One worker thread owns every build (the engine's lock allows one at a time):
HTML first, so the page updates quickly, then PDFs. Pages are told about new
builds and errors through server-sent events; an error shows as an overlay
with file:line and the server keeps running.
"""

from __future__ import annotations

import datetime as dt
import html
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..inputs.project import Project
from ..language.i18n import rating_label
from ..render import outputs
from .serve_http import PreviewHTTPServer, StateSnapshot, handler_for

WATCHED = ("seeds", "figures", "notes", "templates", "house.yaml")

# Limits of the preview server (docs/architecture.md, "serve"). A browser opens at most
# six connections to a host, so these bound a misbehaving local client, not a reader.
MAX_CONNECTIONS = 32  # open at once; one more is answered 503 and closed at once
MAX_REQUESTS_PER_CONNECTION = 100  # keep-alive requests before the connection is closed
CONNECTION_TIMEOUT = 15.0  # seconds a connection may stay silent before it is closed

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
        """A build finished with `errors` (none: a new version); wake the event streams."""
        with self.changed:
            if not errors:
                self.version += 1
            self.errors = errors
            self.changed.notify_all()

    def snapshot(self) -> StateSnapshot:
        """The version and errors as the event stream sends them."""
        return {"version": self.version, "errors": list(self.errors)}


class PreviewServer:
    """The HTTP server, the file watcher and the build worker, tied together."""

    def __init__(self, project: Project, host: str = "127.0.0.1", port: int = 8000,
                 jobs: int = 1, log: Callable[[str], None] = print,
                 max_connections: int = MAX_CONNECTIONS,
                 requests_per_connection: int = MAX_REQUESTS_PER_CONNECTION,
                 connection_timeout: float = CONNECTION_TIMEOUT) -> None:
        self.project, self.jobs, self.log = project, jobs, log
        self.requests_per_connection = requests_per_connection
        self.connection_timeout = connection_timeout
        self.state = PreviewState()
        self.requests: queue.Queue[str] = queue.Queue()
        self.stopping = threading.Event()
        handler = handler_for(self)
        try:
            self.httpd = PreviewHTTPServer((host, port), handler, max_connections, log)
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
        """Stop serving (from another thread); serve_forever then returns."""
        self.stopping.set()
        self.httpd.shutdown()

    # ------------------------------------------------------------ pages

    def index_page(self) -> bytes:
        """The list of notes with their rating, status and last build, as HTML."""
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
        """`page` with the script that reloads it after a build and shows build errors."""
        script = (CLIENT_SCRIPT % {"version": self.state.version}).encode("utf-8")
        if b"</body>" in page:
            return page.replace(b"</body>", script + b"</body>", 1)
        return page + script


def _modified(path: Path) -> str:
    try:
        stamp = dt.datetime.fromtimestamp(path.stat().st_mtime)
    except FileNotFoundError:
        return "not built"
    return stamp.strftime("%Y-%m-%d %H:%M:%S")
