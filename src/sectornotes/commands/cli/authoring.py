"""Verbs for writing a project: init, check, claims, find, diff, schema."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ...errors import EXIT_FAILED, ProjectError
from .options import FORMATS, project_of

if TYPE_CHECKING:
    from ...inputs.project import Project
    from ..diff import NoteDiff


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def init_command(directory: Path) -> None:
    """Create a new project in DIRECTORY with an example source, claims, figure and note.

    Also writes house.yaml, clients.yaml, JSON Schemas in .schemas/ and
    .vscode/settings.json so editors autocomplete the YAML files.
    """
    from ..scaffold import init_project

    made = init_project(directory)
    click.echo(f"created {len(made)} files in {directory}")
    click.echo(f"next: cd {directory} && sectornotes build")


@click.command("check")
@click.option("--format", "output_format", type=FORMATS, default="text", show_default=True,
              help="text for people (path:line:col: error: …), json for tools.")
@click.option("--strict", is_flag=True,
              help="Also fail on numbers typed into note prose without a citation.")
@click.pass_context
def check_command(context: click.Context, output_format: str, strict: bool) -> None:
    """Validate every file and prove every claim against its source.

    Each quote must occur in its source text. Each number must be written in
    its quote with its unit, at one place, and mean what its data point says
    there: the entity of its place in a list, the sign written at it, its
    qualifier ("over", 约 …), the metric the nearby words state (year-on-year,
    sequential, share …), a period the quote, its context or the source's
    as_of states. Derived values are recomputed. No two claims may state the
    same metric, entity and period with different values. docs/claims.md
    explains every rule.
    """
    from ...api import check

    report = check(project_of(context), strict=strict)
    if output_format == "json":
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        for finding in report.findings:
            click.echo(finding.format(), err=True)
        counts = report.counts
        summary = (f"{counts['claims']} claims from {counts['sources']} sources, "
                   f"{counts['data_points']} numbers, {counts['figures']} figures, "
                   f"{counts['notes']} notes")
        if report.ok:
            click.echo(f"ok: {summary} verified")
        else:
            click.echo(f"{len(report.errors)} error(s); {summary} checked", err=True)
    if not report.ok:
        sys.exit(EXIT_FAILED)


@click.command("claims")
@click.argument("query", required=False)
@click.option("--source", "source_ids", multiple=True, help="Only claims from this source id.")
@click.option("--tag", "tags", multiple=True, help="Only claims with this tag (repeatable: all).")
@click.option("--metric", help="Only claims with a data point of this metric.")
@click.option("--kind", type=click.Choice(["fact", "estimate", "forecast", "opinion"]),
              help="Only claims of this kind.")
@click.option("--unused", is_flag=True, help="Only claims no note cites and no figure plots.")
@click.option("--cited-by", "cited_by", metavar="NOTE", help="Only claims this note cites.")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "ids"]),
              default="text", show_default=True, help="Output format.")
@click.pass_context
def claims_command(context: click.Context, query: str | None, source_ids: tuple[str, ...],
                   tags: tuple[str, ...], metric: str | None, kind: str | None, unused: bool,
                   cited_by: str | None, output_format: str) -> None:
    """List and search claims. QUERY matches id, text and quote (case-insensitive)."""
    from ...loaded.listing import ClaimFilter, format_claims, query_claims
    from ...loaded.project import load_project

    model = load_project(project_of(context))
    claim_filter = ClaimFilter(query, source_ids, tags, metric, kind)
    selected = query_claims(model, claim_filter, cited_by=cited_by, unused=unused)
    click.echo(format_claims(model.registry, selected, output_format))


@click.command("find")
@click.argument("text")
@click.option("--limit", type=click.IntRange(1, 500), default=20, show_default=True,
              help="Most matches to show.")
@click.pass_context
def find_command(context: click.Context, text: str, limit: int) -> None:
    """Search the sources for TEXT and print a ready-to-paste claim skeleton per match.

    The skeleton quotes the whole sentence verbatim and proposes a data point
    (value and unit) for every number in it; fill in the TODOs.
    """
    from ...loaded.finder import find_in_sources, skeleton
    from ...loaded.project import load_project

    matches = find_in_sources(load_project(project_of(context)).registry, text, limit)
    for match in matches:
        click.echo(skeleton(match) + "\n")
    click.echo(f"{len(matches)} match(es) for '{text}'", err=True)
    if not matches:
        sys.exit(EXIT_FAILED)


@click.command("diff")
@click.argument("old")
@click.argument("new", required=False, default="WORKTREE")
@click.argument("notes", nargs=-1)
@click.option("--format", "output_format", type=FORMATS, default="text", show_default=True,
              help="text for a correction notice, json for tools.")
@click.pass_context
def diff_command(context: click.Context, old: str, new: str, notes: tuple[str, ...],
                 output_format: str) -> None:
    """What changed in notes between git revisions OLD and NEW (default: the files on disk).

    Shows rating and title changes, claims added and removed, numbers changed
    (old → new, with sources), figures changed, and a word diff of the prose.
    With no NOTES, every note present in NEW is compared. OLD and NEW may
    also be two build manifests (manifest.json files): those record hashes,
    so the diff then says which claims and inputs changed, not to what.
    """
    from ..diff import diff_manifests, diff_note

    project = project_of(context)
    if old.endswith(".json") and new.endswith(".json"):
        if not notes:
            raise click.UsageError("name the notes to compare between two manifests")
        diffs = [diff_manifests(Path(old), Path(new), note_id) for note_id in notes]
        _print_diffs(diffs, output_format)
        return
    if new != "WORKTREE" and (project.notes_dir / f"{new}.yaml").exists() and \
            not _is_git_revision(project, new):
        notes, new = (new, *notes), "WORKTREE"  # `diff HEAD my-note`: compare with the files
    note_ids = notes or tuple(sorted(p.stem for p in project.note_files()))
    _print_diffs([diff_note(project, old, new, note_id) for note_id in note_ids], output_format)


def _print_diffs(diffs: list[NoteDiff], output_format: str) -> None:
    from ..diff import format_diff

    if output_format == "json":
        click.echo(json.dumps([d.as_dict() for d in diffs], ensure_ascii=False, indent=2))
    else:
        click.echo("\n\n".join(format_diff(d) for d in diffs))


def _is_git_revision(project: Project, name: str) -> bool:
    import subprocess

    result = subprocess.run(["git", "-C", str(project.root), "rev-parse", "--verify", "--quiet",
                             f"{name}^{{commit}}"], capture_output=True)
    return result.returncode == 0


@click.command("schema")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write <kind>.schema.json files and yaml.schemas.json (which files each "
              "applies to) into this folder instead of printing.")
@click.pass_context
def schema_command(context: click.Context, out_dir: Path | None) -> None:
    """JSON Schema of every YAML file kind, for editor autocompletion.

    Metric names come from the vocabulary and house.yaml; yaml.schemas.json is the
    value of VS Code's `yaml.schemas` setting for this project's files.
    """
    from ..editorschemas import project_schemas, write_schemas

    try:
        root: Path | None = project_of(context).root
    except ProjectError:
        root = None  # outside a project: the built-in vocabulary, one glob per kind
    if out_dir is None:
        click.echo(json.dumps(project_schemas(root), indent=2, ensure_ascii=False))
        return
    for target in write_schemas(root, out_dir):
        click.echo(f"wrote {target}")
