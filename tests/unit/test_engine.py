"""The build engine, HTML only (fast): exactly the dependents of an edit are rebuilt."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from sectornotes.engine import engine, state
from sectornotes.engine.engine import BuildContext, Job, Produced
from sectornotes.engine.run import build
from sectornotes.engine.stages import default_stages
from sectornotes.engine.state import State
from sectornotes.inputs.project import Project
from sectornotes.loaded.project import LoadedProject
from sectornotes.render import outputs

from ..conftest import edit_file, output_hashes

pytestmark = pytest.mark.slow  # full HTML builds on disk

HTML_OUTPUTS = {
    "data/big4-growth.csv", "figures/big4-growth.svg", "sources/auto-outlook.html",
    "sources/capex-review.html", "html/auto-note.html", "html/capex-note.html", "manifest.json",
}


def changed(before: dict, after: dict) -> set[str]:
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}


def html_build(root: Path, **options):
    return build(Project(root), formats=("html",), **options)


@pytest.fixture
def built(sample_project):
    result = html_build(sample_project)
    assert result.ok and not result.failed, (result.failed, result.findings)
    return sample_project


def test_cold_html_build_writes_every_output_with_its_inputs(built):
    hashes = output_hashes(built)
    assert set(hashes) == HTML_OUTPUTS
    manifest = json.loads((built / "build/manifest.json").read_text())
    inputs = manifest["outputs"]["html/capex-note.html"]["inputs"]
    assert {"claim:big4-capex-q3-2024", "note:capex-note", "figure:big4-growth",
            "template:note.html", "house:ratings", "tool:version"} <= set(inputs)
    assert "claim:china-auto-sales-2025e" not in inputs
    assert manifest["outputs"]["html/capex-note.html"]["sha256"] == hashes["html/capex-note.html"]


def test_second_html_build_rebuilds_nothing(built):
    before = output_hashes(built)
    result = html_build(built)
    assert result.built == [] and len(result.fresh) == 6
    assert output_hashes(built) == before


def test_editing_one_claim_rebuilds_only_its_dependents(built):
    before = output_hashes(built)
    edit_file(built / "seeds/auto-outlook.yaml", "text: 国内汽车销量预计达到 3,344 万辆，同比增长 6.4%。",
              "text: 国内汽车销量预计 2025 年达到 3,344 万辆。")
    result = html_build(built)
    assert sorted(result.built) == ["html/auto-note.html", "sources/auto-outlook.html"]
    assert result.reasons["html/auto-note.html"] == ["claim china-auto-sales-2025e changed"]
    assert changed(before, output_hashes(built)) == {
        "html/auto-note.html", "sources/auto-outlook.html", "manifest.json"}


def test_editing_a_plotted_claim_rebuilds_figure_and_note(built):
    edit_file(built / "seeds/capex-review.yaml", "Big-4 capex reached $58.86bn",
              "The Big-4 spent $58.86bn")
    result = html_build(built)
    assert sorted(result.built) == ["data/big4-growth.csv", "figures/big4-growth.svg",
                                    "html/capex-note.html", "sources/capex-review.html"]


def test_reformatting_yaml_and_touching_files_rebuild_nothing(built):
    before = output_hashes(built)
    edit_file(built / "notes/capex-note.yaml", "analysts: [lin-mei]",
              "# signed by\nanalysts:\n  - lin-mei")
    edit_file(built / "seeds/capex-review.yaml", "tags: [tech, capex]",
              "tags:\n      - tech\n      - capex")
    for path in built.rglob("*.yaml"):
        os.utime(path, (time.time() + 100, time.time() + 100))
    assert html_build(built).built == []
    assert output_hashes(built) == before


def test_editing_an_unused_claim_only_refreshes_its_source_page(built):
    edit_file(built / "seeds/auto-outlook.yaml", "没有笔记引用此论断。", "仍然没有笔记引用。")
    assert html_build(built).built == ["sources/auto-outlook.html"]


def test_explain_names_template_and_version_changes(built, monkeypatch):
    (built / "templates").mkdir()
    package_css = Path(engine.__file__).parent.parent / "templates" / "note.css"
    (built / "templates/note.css").write_text(package_css.read_text() + "\nh1 { color: red; }\n")
    result = html_build(built)
    assert result.reasons["html/capex-note.html"] == ["template note.css changed"]
    monkeypatch.setattr(state, "__version__", "99.0")
    result = html_build(built, dry_run=True)
    assert result.reasons["html/auto-note.html"][0] == "sectornotes upgraded"
    assert result.built == []


def test_an_output_altered_on_disk_is_rebuilt(built):
    page = built / "build/html/capex-note.html"
    page.write_text("tampered", encoding="utf-8")
    result = html_build(built)
    assert result.reasons["html/capex-note.html"] == ["output changed on disk since it was built"]
    assert "tampered" not in page.read_text(encoding="utf-8")


def test_deleted_note_and_figure_outputs_are_removed(built):
    (built / "notes/capex-note.yaml").unlink()
    (built / "figures/big4-growth.yaml").unlink()
    result = html_build(built)
    assert sorted(result.removed) == ["data/big4-growth.csv", "figures/big4-growth.svg",
                                      "html/capex-note.html"]
    manifest = json.loads((built / "build/manifest.json").read_text())
    assert "html/capex-note.html" not in manifest["outputs"]


def test_a_note_that_fails_check_keeps_its_outputs_and_does_not_stop_the_others(built):
    edit_file(built / "notes/auto-note.yaml", "[@china-auto-sales-2025e]。\"",
              "[@china-auto-sales-2052e]。\"")
    edit_file(built / "notes/capex-note.yaml", "Demand may disappoint.", "Demand may slow.")
    result = html_build(built)
    assert result.failed == {"html/auto-note.html": "notes/auto-note.yaml fails check"}
    assert result.built == ["html/capex-note.html"]
    assert result.removed == []  # a note that fails check is not a deleted note
    assert (built / "build/html/auto-note.html").exists()


def test_a_failing_figure_blocks_the_notes_that_embed_it(built):
    edit_file(built / "figures/big4-growth.yaml", "kind: bar", "kind: bar\npython: shapes.py:draw")
    (built / "figures/shapes.py").write_text("def draw(frame, style):\n    raise ValueError('no')\n")
    result = html_build(built)
    assert "figures/big4-growth.svg" in result.failed
    assert result.failed["html/capex-note.html"] == "figure big4-growth failed"
    assert "html/auto-note.html" not in result.failed


def test_a_state_file_of_the_wrong_shape_means_a_rebuild(built):
    state_path = built / "build/.state/state.json"
    state_path.write_text(json.dumps({"state_version": 1, "outputs": [1, 2]}))
    result = html_build(built)
    assert result.ok and len(result.built) == 6


class _CountStage:
    """A new kind of output, added without touching the engine: one text file per note."""

    name = "counts"

    def plan(self, context: BuildContext) -> list[Job]:
        jobs = []
        for note_id, loaded in sorted(context.notes.items()):
            output = f"counts/{note_id}.txt"
            words = sum(len(s.body.split()) for s in loaded.spec.sections)
            jobs.append(Job([output], {f"note:{note_id}": str(words)},
                            lambda output=output, words=words: Produced(
                                {output: f"{words}\n".encode()})))
        return jobs

    def live_outputs(self, model: LoadedProject) -> set[str]:
        return {f"counts/{p.stem}.txt" for p in model.project.note_files()}


def test_a_new_stage_is_planned_run_recorded_and_cleaned_by_the_engine(sample_project):
    stages = [*default_stages(), _CountStage()]
    result = build(Project(sample_project), formats=("html",), stages=stages)
    assert result.ok and "counts/capex-note.txt" in result.built
    assert (sample_project / "build/counts/capex-note.txt").read_text() == "7\n"
    assert build(Project(sample_project), formats=("html",), stages=stages).built == []
    state = State.load(sample_project / "build" / outputs.STATE_DIR / "state.json")
    assert state.outputs["counts/capex-note.txt"].inputs == {"note:capex-note": "7"}
    (sample_project / "notes/capex-note.yaml").unlink()
    result = build(Project(sample_project), formats=("html",), stages=stages)
    assert "counts/capex-note.txt" in result.removed
    assert not (sample_project / "build/counts/capex-note.txt").exists()


def test_loading_is_cached_by_content(sample_project):
    from sectornotes.loaded.project import load_project

    first = load_project(Project(sample_project))
    assert load_project(Project(sample_project)) is first  # nothing changed: not re-verified
    edit_file(sample_project / "notes/capex-note.yaml", "Demand may disappoint.",
              "Demand may slow.")
    second = load_project(Project(sample_project))
    assert second is not first
    assert second.notes["capex-note"].spec.risks == ["Demand may slow."]
    assert load_project(Project(sample_project), strict=True) is not second  # strict differs
