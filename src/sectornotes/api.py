"""The public Python API: what `import sectornotes` offers a notebook or a script.

Every CLI verb is one of these calls (or a function they lead to). They take a
project folder (or a `Project`) and return plain result objects; bad input is
reported as findings or raised as a `SectornotesError`, never printed.
Heavy libraries load only inside the call that needs them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .errors import SectornotesError
from .inputs.project import Project

if TYPE_CHECKING:
    from .engine.engine import BuildResult, Reporter
    from .loaded.project import LoadedProject
    from .proof.registry import RegisteredClaim

ProjectLike = Project | Path | str


def _as_project(project: ProjectLike) -> Project:
    return project if isinstance(project, Project) else Project(Path(project))


def load_project(project: ProjectLike = ".", strict: bool = False) -> LoadedProject:
    """Load, validate and prove a project; its `findings` say what is wrong, `ok` if nothing.

    Cached by content: calling it again after no edit costs one read of the files.
    """
    from .loaded.project import load_project as load

    return load(_as_project(project), strict=strict)


def check(project: ProjectLike = ".", strict: bool = False) -> LoadedProject:
    """`sectornotes check`: the loaded project, whose findings are the check's report."""
    return load_project(project, strict=strict)


def build(project: ProjectLike = ".", notes: tuple[str, ...] | list[str] = (),
          formats: tuple[str, ...] | list[str] = ("html", "pdf"), jobs: int = 1,
          dry_run: bool = False, force: bool = False,
          reporter: Reporter | None = None) -> BuildResult:
    """`sectornotes build`: bring the outputs of every note (or of `notes`) up to date."""
    from .engine.run import build as run_build

    return run_build(_as_project(project), tuple(notes), jobs=jobs, dry_run=dry_run,
                     formats=tuple(formats), force=force, reporter=reporter)


def render_note_html(project: ProjectLike, note_id: str) -> str:
    """One note as the HTML page `build` would write, without writing it."""
    from .engine.stages import render_note_page
    from .loaded.project import require_note

    model = _renderable(project)
    require_note(model, note_id)
    return render_note_page(model, note_id, "html").html


def render_note_pdf(project: ProjectLike, note_id: str) -> bytes:
    """One note as the PDF `build` would write, without writing it.

    The figures the note embeds are brought up to date in build/ first, as a
    build of that note would.
    """
    from .engine.stages import pdf_from_worker, pdf_job_args, render_note_page
    from .loaded.project import require_note
    from .render.pdf import render_pdf

    model = _renderable(project)
    require_note(model, note_id)
    figures = build(model.project, (note_id,), formats=())
    if figures.failed:
        output, message = sorted(figures.failed.items())[0]
        raise SectornotesError(f"{note_id}: build/{output} failed: {message}")
    rendered = render_note_page(model, note_id, "pdf")
    html, base_dir, root, attachments, created = pdf_job_args(model, note_id, rendered)
    pdf_bytes, _ = pdf_from_worker(render_pdf(html, Path(base_dir), Path(root), attachments,
                                              created))
    return pdf_bytes


def _renderable(project: ProjectLike) -> LoadedProject:
    model = load_project(project)
    if model.house is None:
        raise SectornotesError("house.yaml is missing or invalid; nothing can be rendered: "
                               + "; ".join(f.format() for f in model.errors[:1]))
    return model


def query_claims(project: ProjectLike = ".", text: str | None = None, *,
                 sources: tuple[str, ...] = (), tags: tuple[str, ...] = (),
                 metric: str | None = None, kind: str | None = None,
                 cited_by: str | None = None, unused: bool = False) -> list[RegisteredClaim]:
    """`sectornotes claims`: claims matching every filter given, in project order.

    `text` matches id, text and quote (all words, case-insensitive); `cited_by`
    keeps the claims a note cites; `unused` those no note cites and no figure plots.
    """
    from .loaded.listing import ClaimFilter
    from .loaded.listing import query_claims as query

    claim_filter = ClaimFilter(text, tuple(sources), tuple(tags), metric, kind)
    return query(load_project(project), claim_filter, cited_by=cited_by, unused=unused)
