"""`sectornotes diff A B`: what changed in a note between two git revisions.

The answer an editor pastes into a correction notice: rating changes, claims
added and removed, numbers changed (old → new, with their sources), figures
changed, and a word diff of the prose.
"""

from __future__ import annotations

import difflib
import io
import re
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import SectornotesError
from ..inputs.project import Project
from ..language.formatting import format_date, format_point

if TYPE_CHECKING:
    from ..inputs.schema import Note
    from ..loaded.project import LoadedProject
    from ..proof.registry import RegisteredClaim

WORKTREE = "WORKTREE"
# References stay whole; numbers keep their decimals; punctuation and CJK characters
# are tokens of their own.
_TOKEN = re.compile(r"\[@[^\]]*\]|\{[a-z0-9.\-]+\}|[A-Za-z0-9_%$€¥+'\-]+(?:[.,][0-9]+)*"
                    r"|[\u3400-\u9fff]|\S")


class DiffError(SectornotesError):
    """A revision cannot be read or the note does not exist in it."""


@dataclass
class NoteDiff:
    """Differences in one note between two revisions."""

    note: str
    old: str
    new: str
    fields: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    claims_added: list[dict[str, str]] = field(default_factory=list)
    claims_removed: list[dict[str, str]] = field(default_factory=list)
    values_changed: list[dict[str, str | None]] = field(default_factory=list)
    figures_changed: list[dict[str, str]] = field(default_factory=list)
    prose: list[dict[str, str]] = field(default_factory=list)
    inputs_changed: list[str] = field(default_factory=list)  # manifest comparisons only

    def as_dict(self) -> dict[str, object]:
        """The differences as JSON-ready data (`diff --format json`)."""
        return {"note": self.note, "old": self.old, "new": self.new,
                "fields": {k: list(v) for k, v in self.fields.items()},
                "claims_added": self.claims_added, "claims_removed": self.claims_removed,
                "values_changed": self.values_changed, "figures_changed": self.figures_changed,
                "prose": self.prose, "inputs_changed": self.inputs_changed}

    @property
    def empty(self) -> bool:
        """True when the two revisions agree on everything compared."""
        return not any((self.fields, self.claims_added, self.claims_removed,
                        self.values_changed, self.figures_changed, self.prose,
                        self.inputs_changed))


def materialize(project: Project, revision: str, into: Path) -> Path:
    """The project's files at a git revision, written under `into`."""
    if revision == WORKTREE:
        return project.root
    def git(*args: str) -> bytes:
        result = subprocess.run(["git", "-C", str(project.root), *args], capture_output=True)
        if result.returncode != 0:
            raise DiffError(f"git {' '.join(args)}: {result.stderr.decode().strip()}")
        return result.stdout

    prefix = git("rev-parse", "--show-prefix").decode().strip()
    archive = git("archive", "--format=tar", f"{revision}:{prefix}")
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def _snapshot(root: Path, note_id: str, label: str) -> LoadedProject:
    from ..loaded.project import load_project

    report = load_project(Project(root), cache=False)
    if note_id not in report.notes:
        raise DiffError(f"note '{note_id}' does not exist (or fails to load) in {label}")
    return report


def diff_note(project: Project, old_rev: str, new_rev: str, note_id: str) -> NoteDiff:
    """Compare one note between two revisions (WORKTREE means the files on disk)."""
    with tempfile.TemporaryDirectory() as old_dir, tempfile.TemporaryDirectory() as new_dir:
        old = _snapshot(materialize(project, old_rev, Path(old_dir)), note_id, old_rev)
        new = _snapshot(materialize(project, new_rev, Path(new_dir)), note_id, new_rev)
        return compare(old, new, note_id, old_rev, new_rev)


def compare(old: LoadedProject, new: LoadedProject, note_id: str, old_label: str,
            new_label: str) -> NoteDiff:
    """The differences between two check reports' views of a note."""
    from ..model.notes import cited_claim_ids, embedded_figure_ids

    result = NoteDiff(note_id, old_label, new_label)
    old_note, new_note = old.notes[note_id].spec, new.notes[note_id].spec
    language = new_note.language
    for name in ("title", "status", "date", "rating", "previous_rating"):
        before, after = getattr(old_note, name), getattr(new_note, name)
        if before != after:
            result.fields[name] = (_label(old, old_note, name, before),
                                   _label(new, new_note, name, after))
    old_claims, new_claims = cited_claim_ids(old_note), cited_claim_ids(new_note)
    result.claims_added = [_claim_entry(new, c) for c in new_claims if c not in old_claims]
    result.claims_removed = [_claim_entry(old, c) for c in old_claims if c not in new_claims]
    for claim_id in [c for c in new_claims if c in old_claims]:
        result.values_changed += _value_changes(old, new, claim_id, language)
    old_figures, new_figures = embedded_figure_ids(old_note), embedded_figure_ids(new_note)
    for figure_id in dict.fromkeys(old_figures + new_figures):
        change = _figure_change(old, new, figure_id, old_figures, new_figures)
        if change:
            result.figures_changed.append(change)
    result.prose = _prose_changes(old_note, new_note)
    return result


def _label(report: LoadedProject, note: Note, name: str, value: object) -> str:
    if name in ("rating", "previous_rating") and isinstance(value, str) and value \
            and report.house is not None:
        from ..language.i18n import rating_label

        return rating_label(report.house, note.rating_scale, value, note.language) or ""
    return "" if value is None else str(value)


def _claim_entry(report: LoadedProject, claim_id: str) -> dict[str, str]:
    registered = report.registry.get(claim_id)
    if registered is None:
        return {"id": claim_id, "text": "(unknown claim)"}
    return {"id": claim_id, "text": registered.claim.text, "source": _source(report, registered)}


def _source(report: LoadedProject, registered: RegisteredClaim) -> str:
    meta = report.registry.sources[registered.source_id].meta
    return f"{meta.publisher}, {format_date(meta.date)}"


def _value_changes(old: LoadedProject, new: LoadedProject, claim_id: str, language: str
                   ) -> list[dict[str, str | None]]:
    before, after = old.registry.get(claim_id), new.registry.get(claim_id)
    if before is None or after is None:
        return []
    old_points = {(p.metric, p.entity, p.period): p for p in before.claim.data}
    new_points = {(p.metric, p.entity, p.period): p for p in after.claim.data}
    changes = []
    for key in dict.fromkeys(list(old_points) + list(new_points)):
        was, now = old_points.get(key), new_points.get(key)
        if was is not None and now is not None and was.stated() == now.stated():
            continue
        changes.append({
            "claim": claim_id, "metric": key[0], "entity": key[1], "period": key[2],
            "old": format_point(was, language) if was else None,
            "new": format_point(now, language) if now else None,
            "old_source": _source(old, before), "new_source": _source(new, after)})
    if before.claim.text != after.claim.text and not changes:
        changes.append({"claim": claim_id, "metric": "text", "entity": "", "period": "",
                        "old": before.claim.text, "new": after.claim.text,
                        "old_source": _source(old, before), "new_source": _source(new, after)})
    return changes


def _figure_change(old: LoadedProject, new: LoadedProject, figure_id: str,
                   old_figures: list[str], new_figures: list[str]) -> dict[str, str] | None:
    from ..model.figures import figure_rows

    if figure_id not in old_figures:
        return {"figure": figure_id, "change": "added"}
    if figure_id not in new_figures:
        return {"figure": figure_id, "change": "removed"}
    before, after = old.figures.get(figure_id), new.figures.get(figure_id)
    if before is None or after is None:
        return None
    if figure_rows(before.spec, old.registry) != figure_rows(after.spec, new.registry):
        return {"figure": figure_id, "change": "values changed"}
    if before.spec != after.spec:
        return {"figure": figure_id, "change": "specification changed"}
    return None


def _prose_fields(note: Note) -> dict[str, str]:
    fields = {f"key point {i + 1}": text for i, text in enumerate(note.key_points)}
    fields.update({f"section '{s.heading}'": s.body for s in note.sections})
    fields.update({f"risk {i + 1}": text for i, text in enumerate(note.risks)})
    return fields


def _prose_changes(old_note: Note, new_note: Note) -> list[dict[str, str]]:
    old_fields, new_fields = _prose_fields(old_note), _prose_fields(new_note)
    changes = []
    for name in dict.fromkeys(list(old_fields) + list(new_fields)):
        before, after = old_fields.get(name, ""), new_fields.get(name, "")
        if before != after:
            changes.append({"where": name, "diff": word_diff(before, after)})
    return changes


def word_diff(before: str, after: str, context: int = 6) -> str:
    """'[-old-]{+new+}' around each change, with a few words of context."""
    old_words, new_words = _TOKEN.findall(before), _TOKEN.findall(after)
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    pieces = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            words = old_words[i1:i2]
            if len(words) > 2 * context:
                words = words[:context] + ["…"] + words[-context:]
            pieces.append(" ".join(words))
            continue
        if i2 > i1:
            pieces.append(f"[-{' '.join(old_words[i1:i2])}-]")
        if j2 > j1:
            pieces.append(f"{{+{' '.join(new_words[j1:j2])}+}}")
    text = " ".join(p for p in pieces if p)
    return re.sub(r" (?=[.,;:!?。，；：！？、）)])", "", text)


def diff_manifests(old_path: Path, new_path: Path, note_id: str) -> NoteDiff:
    """Compare what two builds' manifests say a note's PDF (or HTML) was built from.

    Manifests hold hashes, not values: this tells which claims, figures,
    templates and house.yaml keys changed, not what they changed to.
    """
    import json

    from ..engine.state import describe_input

    old, new = (json.loads(Path(p).read_text(encoding="utf-8")) for p in (old_path, new_path))
    result = NoteDiff(note_id, str(old_path), str(new_path))
    entries = []
    for manifest, label in ((old, old_path), (new, new_path)):
        outputs = manifest.get("outputs", {})
        entry = outputs.get(f"pdf/{note_id}.pdf") or outputs.get(f"html/{note_id}.html")
        if entry is None:
            raise DiffError(f"note '{note_id}' was not built in {label}")
        entries.append(entry["inputs"])
    before, after = entries
    for key in sorted(set(before) | set(after)):
        kind, _, name = key.partition(":")
        if key not in before and kind == "claim":
            result.claims_added.append({"id": name, "text": "(recorded in the manifest only)"})
        elif key not in after and kind == "claim":
            result.claims_removed.append({"id": name, "text": "(recorded in the manifest only)"})
        elif before.get(key) != after.get(key):
            result.inputs_changed.append(describe_input(key) + (
                " added" if key not in before else " removed" if key not in after else " changed"))
    if old.get("version") != new.get("version"):
        result.fields["tool version"] = (old.get("version"), new.get("version"))
    return result


def format_diff(diff: NoteDiff) -> str:
    """The text an editor pastes into a correction notice."""
    lines = [f"Note {diff.note}: {diff.old} → {diff.new}"]
    if diff.empty:
        return lines[0] + "\nno changes"
    names = {"rating": "Rating", "previous_rating": "Previous rating", "title": "Title",
             "status": "Status", "date": "Date", "tool version": "sectornotes version"}
    for name, (before, after) in diff.fields.items():
        lines.append(f"{names[name]}: {before or '—'} → {after or '—'}")
    if diff.values_changed:
        lines.append("Numbers changed:")
        for change in diff.values_changed:
            where = " ".join(x for x in (change["metric"], change["entity"], change["period"]) if x)
            lines.append(f"  {change['claim']} ({where}): {change['old'] or '—'} → "
                         f"{change['new'] or '—'}  [source: {change['new_source']}]")
    for title, entries in (("Claims added", diff.claims_added),
                           ("Claims removed", diff.claims_removed)):
        if entries:
            lines.append(f"{title} ({len(entries)}):")
            lines += [f"  {e['id']}: {e['text']}" for e in entries]
    if diff.figures_changed:
        lines.append("Figures changed:")
        lines += [f"  {c['figure']}: {c['change']}" for c in diff.figures_changed]
    if diff.prose:
        lines.append("Prose:")
        lines += [f"  {c['where']}: {c['diff']}" for c in diff.prose]
    if diff.inputs_changed:
        lines.append("Inputs changed (from the manifests):")
        lines += [f"  {change}" for change in diff.inputs_changed]
    return "\n".join(lines)
