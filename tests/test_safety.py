"""Safe rendering: escaped text, no raw HTML, and WeasyPrint fetching nothing outside."""

from __future__ import annotations

import csv
import http.server
import io
import json
import threading
from pathlib import Path

import pytest

from sectornotes.engine.run import build
from sectornotes.inputs.project import PACKAGE_TEMPLATES, Project

from .conftest import edit_file, replaced

pytestmark = pytest.mark.slow


def test_script_in_claim_text_and_raw_html_in_prose_are_shown_as_text(sample_project):
    seed = sample_project / "seeds/capex-review.yaml"
    seed.write_text(
        replaced(
            seed.read_text(),
            "text: Big-4 capex reached $58.86bn in Q3 2024, up 59.1% year on year.",
            "text: \"<script>alert('claim')</script> Big-4 capex reached $58.86bn.\"",
        )
    )
    note = sample_project / "notes/capex-note.yaml"
    note.write_text(
        replaced(
            note.read_text(),
            "Big-4 capex reached",
            "<script>alert('prose')</script><img src=x onerror=alert(1)> Big-4",
        )
    )
    result = build(Project(sample_project), formats=("html",))
    assert result.ok, (result.failed, result.findings)
    html = (sample_project / "build/html/capex-note.html").read_text()
    source_page = (sample_project / "build/sources/capex-review.html").read_text()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert('prose')&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;script&gt;alert(&#39;claim&#39;)&lt;/script&gt;" in html  # endnote title
    assert "<script>alert" not in source_page
    assert "&lt;script&gt;alert(&#39;claim&#39;)&lt;/script&gt;" in source_page


class CountingHandler(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server's naming
        CountingHandler.requests.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    CountingHandler.requests = []
    server = http.server.HTTPServer(("127.0.0.1", 0), CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_weasyprint_fetches_nothing_outside_the_project(sample_project, http_server, tmp_path):
    secret = tmp_path / "outside.png"
    secret.write_bytes(b"not inside the project")
    template = (PACKAGE_TEMPLATES / "note.html").read_text()
    (sample_project / "templates").mkdir()
    (sample_project / "templates/note.html").write_text(
        replaced(
            template, "</body>", f'<img src="{http_server}/tracker.png"><img src="{secret.as_uri()}"></body>'
        )
    )
    result = build(Project(sample_project), ("capex-note",))
    assert CountingHandler.requests == []
    message = result.failed["pdf/capex-note.pdf"]
    assert message.startswith("refused to fetch ") and "only files inside the project" in message
    assert not (sample_project / "build/pdf/capex-note.pdf").exists()
    # Files inside the project, such as the figure SVGs, are fetched.
    (sample_project / "templates/note.html").unlink()
    result = build(Project(sample_project), ("capex-note",))
    assert result.ok and result.warnings == []
    assert (
        b"/Subtype /Image" in (sample_project / "build/pdf/capex-note.pdf").read_bytes()
        or (sample_project / "build/figures/big4-growth.svg").is_file()
    )


def test_no_harfbuzz_fallback_warning_for_a_chinese_pdf(sample_project):
    result = build(Project(sample_project), ("auto-note",), formats=("pdf",))
    assert result.ok, result.failed
    assert not [w for w in result.warnings if "fontTools" in w], result.warnings
    assert result.warnings == []
    assert Path(sample_project / "build/pdf/auto-note.pdf").stat().st_size > 10_000


@pytest.mark.parametrize("payload", [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.system('touch /tmp/pwned-by-template') }}",
    "{{ labels.__class__ }}",
    "{% set _ = labels.clear() %}",
])
def test_a_template_override_cannot_reach_python_internals(sample_project, payload):
    # A project's templates/ is shipped with the project: rendered in Jinja's sandbox.
    override = (PACKAGE_TEMPLATES / "source.html").read_text(encoding="utf-8")
    (sample_project / "templates").mkdir(exist_ok=True)
    (sample_project / "templates/source.html").write_text(payload + override, encoding="utf-8")
    result = build(Project(sample_project), formats=("html",))
    refused = [m for o, m in result.failed.items() if o.startswith("sources/")]
    assert refused and all(m.startswith("templates/source.html: a template may use the values "
                                        "it is given but not reach Python's internals")
                           for m in refused), refused
    assert not Path("/tmp/pwned-by-template").exists()
    assert "html/capex-note.html" in result.built  # the other outputs still build


@pytest.mark.parametrize("label", ["=HYPERLINK(\"http://x.example\")", "+1+cmd", "-2+3", "@SUM(1)"])
def test_figure_data_csv_cannot_run_as_a_formula(sample_project, label):
    # build/data/*.csv is attached to every client PDF and opened in spreadsheets.
    edit_file(sample_project / "figures/big4-growth.yaml", 'y_label: "YoY, %"',
              f'y_label: "YoY, %"\nlabels: {{"2024-Q3": {json.dumps(label)}}}')
    assert build(Project(sample_project), formats=("html",)).ok
    rows = list(csv.reader(io.StringIO(
        (sample_project / "build/data/big4-growth.csv").read_text(encoding="utf-8"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'" + label in cells and label not in cells
    assert "59.1" in cells  # numbers are data, never prefixed
