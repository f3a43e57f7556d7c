"""The proof cache (build/.state/proof/) and proofs as values.

`check` keeps what proving each seed file found, keyed by the hashes of what the proof
read; a second `check` re-proves only what changed. The findings must be exactly those
of a check without the cache, an entry must never make `check` accept what the source
does not say, and a proven number reads the same whether or not a check ran first.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from sectornotes.commands.cli import cli
from sectornotes.inputs.project import Project
from sectornotes.loaded import project as loaded_project
from sectornotes.loaded.project import load_project
from sectornotes.proof import seeds

from .conftest import SEED_YAML, SOURCE_TEXT, edit_file, replaced

PROOF_DIR = Path("build/.state/proof")
FAKE_CLAIM = """\
  - id: big4-capex-doubles
    text: The four major technology giants will double capital expenditure.
    kind: forecast
    source:
      quote: "the four major technology giants will double capital expenditure"
"""
FAKE_NOT_FOUND = "claim 'big4-capex-doubles': quote not found in seeds/capex-review.txt"


@pytest.fixture
def proofs(monkeypatch) -> list[str]:
    """The ids of the claims proven (not taken from the cache) from now on."""
    proven: list[str] = []
    prove = seeds.prove_claim

    def counting(registered, *args):
        proven.append(registered.id)
        return prove(registered, *args)

    monkeypatch.setattr(seeds, "prove_claim", counting)
    return proven


def findings(root: Path) -> list[dict[str, object]]:
    return load_project(Project(root), cache=False).as_dict()["findings"]  # type: ignore[return-value]


def proven_claims(root: Path) -> dict[str, tuple[object, ...]]:
    """What the proof gave each claim: quote place, text, page, evidence and decimals."""
    registry = load_project(Project(root), cache=False).registry
    return {claim_id: (c.quote_line, c.quote_col, c.quoted, c.page, c.evidence,
                       [[p.decimals(f) for f, _ in p.numbers()] for p in c.claim.data])
            for claim_id, c in sorted(registry.claims.items())}


def broken_sample(root: Path) -> Path:
    """The sample with an error of each kind a seed file can hold: a quote not in the
    source, a duplicate id, an invalid value (the file is salvaged) and a wrong number."""
    seed = root / "seeds/cms-ai-terminal-aidc.yaml"
    text = seed.read_text(encoding="utf-8")
    first_id = text.split("  - id: ", 1)[1].split("\n", 1)[0]
    seed.write_text(text + FAKE_CLAIM + replaced(FAKE_CLAIM, "big4-capex-doubles", first_id),
                    encoding="utf-8")
    other = root / "seeds/huafu-media-deepseek.yaml"
    edit_file(other, "\nclaims:\n", "\nclaims:\n  - id: broken-claim\n    text: A claim.\n"
              "    kind: factual\n    source: {quote: \"A claim.\"}\n")
    return root


@pytest.mark.parametrize("project", ["sample", "broken"])
def test_findings_are_the_same_with_and_without_the_cache(repo_project, proofs, project):
    root = broken_sample(repo_project) if project == "broken" else repo_project
    cold = findings(root)
    assert proofs and (root / PROOF_DIR).is_dir()
    cold_claims = proven_claims(root)
    proofs.clear()
    assert findings(root) == cold
    assert proven_claims(root) == cold_claims
    assert proofs == []  # every proof came from the cache
    shutil.rmtree(root / PROOF_DIR)
    assert findings(root) == cold and proofs  # and proving afresh agrees
    if project == "broken":
        assert any(f["severity"] == "error" for f in cold)


def test_one_edited_claim_reproves_only_its_file(make_project, sample_files, proofs):
    root = make_project(sample_files)
    findings(root)
    proofs.clear()
    edit_file(root / "seeds/capex-review.yaml", "tags: [tech, capex]", "tags: [tech]")
    assert findings(root) == []
    assert proofs == ["big4-capex-q3-2024"]


def test_what_else_the_proof_read_invalidates_an_entry(make_project, sample_files, proofs):
    root = make_project(sample_files)
    findings(root)
    proofs.clear()
    edit_file(root / "seeds/capex-review.txt", "Capex review", "Capex review, revised")
    findings(root)
    assert proofs == ["big4-capex-q3-2024"]  # its document changed
    proofs.clear()
    edit_file(root / "house.yaml", 'Microsoft: "06-30"', 'Microsoft: "06-30"\n  Example: "03-31"')
    findings(root)
    assert sorted(proofs) == ["big4-capex-q3-2024", "china-auto-sales-2025e", "unused-claim"]


def test_an_edited_entry_does_not_make_check_accept_a_false_quote(make_project, own_cache_key):
    root = make_project({"seeds/capex-review.yaml": SEED_YAML + FAKE_CLAIM})
    assert any(FAKE_NOT_FOUND in f["message"] for f in findings(root))
    entry = root / PROOF_DIR / "capex-review.json"
    mac, _, payload = entry.read_bytes().partition(b"\n")
    data = json.loads(payload)
    for claim in data["claims"]:
        if claim["proof"] is not None:
            claim["proof"]["findings"] = []
    data["findings"] = []
    entry.write_bytes(mac + b"\n" + json.dumps(data, separators=(",", ":")).encode())
    found = findings(root)
    assert any(FAKE_NOT_FOUND in f["message"] for f in found), found


def test_an_entry_signed_elsewhere_is_not_trusted(make_project, tmp_path, monkeypatch):
    # A project arriving with its build/ brings entries signed with another user's key:
    # here one proving a claim whose quote the source does not hold.
    root = make_project({"seeds/capex-review.yaml": SEED_YAML + FAKE_CLAIM})
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "elsewhere"))
    good = SOURCE_TEXT + "the four major technology giants will double capital expenditure\n"
    (root / "seeds/capex-review.txt").write_text(good, encoding="utf-8")
    assert findings(root) == []
    entry = (root / PROOF_DIR / "capex-review.json").read_bytes()
    (root / "seeds/capex-review.txt").write_text(SOURCE_TEXT, encoding="utf-8")
    shutil.rmtree(root / PROOF_DIR)
    findings(root)  # the other machine's entry for these very files
    forged = (root / PROOF_DIR / "capex-review.json")
    assert forged.read_bytes() != entry
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "mine"))
    forged.write_bytes(entry)  # signed elsewhere, for other inputs
    assert any(FAKE_NOT_FOUND in f["message"] for f in findings(root))


def test_an_entry_of_another_file_or_other_inputs_is_refused(make_project, sample_files,
                                                              own_cache_key, proofs):
    root = make_project({**sample_files, "seeds/capex-review.yaml": SEED_YAML + FAKE_CLAIM})
    cold = findings(root)
    folder = root / PROOF_DIR
    # Signed by this user, but for the other seed file: its id is part of what is signed.
    shutil.copy(folder / "auto-outlook.json", folder / "capex-review.json")
    proofs.clear()
    assert findings(root) == cold and "big4-capex-doubles" in proofs
    # Signed by this user for these files before an edit: the key is the inputs' hashes.
    before = (folder / "capex-review.json").read_bytes()
    edit_file(root / "seeds/capex-review.txt", "Capex review", "Capex review, revised")
    findings(root)
    (folder / "capex-review.json").write_bytes(before)
    proofs.clear()
    assert findings(root) == cold and "big4-capex-doubles" in proofs


@pytest.mark.parametrize("damage", [
    pytest.param(lambda raw: raw[: len(raw) // 2], id="truncated"),
    pytest.param(lambda raw: b"", id="empty"),
    pytest.param(lambda raw: b"0" * 64 + raw[64:], id="bad-mac"),
    pytest.param(lambda raw: b"\x00\xff garbage", id="garbage"),
    pytest.param(lambda raw: raw[:-2] + b"0" + raw[-1:], id="edited"),
])
def test_a_damaged_entry_is_proven_again_and_rewritten(make_project, own_cache_key, proofs,
                                                       damage):
    root = make_project({"seeds/capex-review.yaml": SEED_YAML + FAKE_CLAIM})
    cold = findings(root)
    entry = root / PROOF_DIR / "capex-review.json"
    good = entry.read_bytes()
    entry.write_bytes(damage(good))
    proofs.clear()
    assert findings(root) == cold
    assert sorted(proofs) == ["big4-capex-doubles", "big4-capex-q3-2024"]
    assert entry.read_bytes() == good


def test_clean_removes_the_cache_and_check_rebuilds_it(make_project):
    root = make_project()
    assert findings(root) == []
    assert CliRunner().invoke(cli, ["-C", str(root), "clean"]).exit_code == 0
    assert not (root / PROOF_DIR).exists()
    assert findings(root) == [] and (root / PROOF_DIR / "capex-review.json").is_file()


# ---------------------------------------------------------------- proofs are values

# The source writes the growth as "59.0%": proven, the number keeps its decimal.
PRECISE_TEXT = replaced(SOURCE_TEXT, "+59.1%", "+59.0%")
PRECISE_SEED = replaced(replaced(replaced(SEED_YAML, "value: 59.1", "value: 59.0"),
                                 "+59.1%", "+59.0%"), "up 59.1%", "up 59.0%")


def test_a_number_reads_the_same_with_or_without_a_check_first(make_project, sample_files):
    from sectornotes.api import render_note_html
    from sectornotes.inputs.loading import load_file
    from sectornotes.inputs.schema import SeedFile
    from sectornotes.language.formatting import format_point

    root = make_project({**sample_files, "seeds/capex-review.txt": PRECISE_TEXT,
                         "seeds/capex-review.yaml": PRECISE_SEED})
    project = Project(root)
    declared, _, _ = load_file(project, root / "seeds/capex-review.yaml", SeedFile)
    assert declared is not None
    growth = declared.spec.claims[0].data[1]
    assert format_point(growth) == "59%"  # as declared: the source's precision is unknown
    loaded_project._CACHE.clear()
    before = render_note_html(root, "capex-note")  # no check ran in this process
    assert "59.0%" in before
    for strict in (False, True):
        assert CliRunner().invoke(cli, ["-C", str(root), "check"] + ["--strict"] * strict
                                  ).exit_code == 0
    model = load_project(project)
    proven = model.registry.claims["big4-capex-q3-2024"].claim.data[1]
    assert format_point(proven) == "59.0%"
    assert format_point(growth) == "59%"  # the proof wrote nothing into the declared claim
    assert render_note_html(root, "capex-note") == before
    loaded_project._CACHE.clear()  # proven again, now from the proof cache
    assert render_note_html(root, "capex-note") == before
