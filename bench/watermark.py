"""Stamping client copies vs rendering the note once.

    .venv/bin/python bench/watermark.py [COPIES]     # default 1000

Both are measured in this process, warm (fonts loaded), on the project's
tech-outlook-2025h2 note, which must be built first (`sectornotes build`).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from sectornotes.api import check  # noqa: E402
from sectornotes.distribute.stamp import stamp_copies  # noqa: E402
from sectornotes.engine.stages import render_note_page  # noqa: E402
from sectornotes.inputs.project import Project  # noqa: E402
from sectornotes.render.pdf import render_pdf  # noqa: E402

NOTE = "tech-outlook-2025h2"


def main() -> None:
    copies = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    project = Project(REPO)
    report = check(project)
    loaded = report.notes[NOTE]
    fonts = report.house.fonts.get("zh", [])
    html = render_note_page(report, NOTE, "pdf").html  # as the PDF stage renders it
    render_pdf("<p>warm-up</p>", project.build_dir / "html", project.root, [], loaded.spec.date)
    started = time.perf_counter()
    pdf_bytes = render_pdf(html, project.build_dir / "html", project.root, [],
                           loaded.spec.date)[0]
    render_seconds = time.perf_counter() - started
    stamp_copies(pdf_bytes, [("warm-up", "0" * 32)], fonts)
    stamps = [(f"Prepared for Client {i:04d} · 2026-11-23 · ref {i:012x}", f"{i:032x}")
              for i in range(copies)]
    started = time.perf_counter()
    for batch in range(0, copies, 200):
        stamp_copies(pdf_bytes, stamps[batch:batch + 200], fonts)
    stamp_seconds = time.perf_counter() - started
    print(f"render {NOTE} once                     {render_seconds:8.3f} s")
    print(f"stamp {copies} client copies               {stamp_seconds:8.3f} s  "
          f"ratio {stamp_seconds / render_seconds:6.2f}x  ({stamp_seconds / copies * 1000:.1f} ms "
          "per copy)")


if __name__ == "__main__":
    main()
