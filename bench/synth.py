"""Generate a synthetic sectornotes project: N claims, notes and figures.

    python bench/synth.py OUT_DIR --claims 1000 --notes 50 --figures 100

Claims are spread over 20 sources (or `--sources`); every claim's quote and number
are real text in its source, so the project passes `check`.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOURCES = 20


def claim_id(index: int) -> str:
    return f"metric-{index:04d}"


def generate(out: Path, claims: int, notes: int, figures: int, sources: int = SOURCES) -> None:
    """Write the project into `out` (replacing it)."""
    if out.exists():
        shutil.rmtree(out)
    (out / "seeds").mkdir(parents=True)
    (out / "figures").mkdir()
    (out / "notes").mkdir()
    # Synthetic notes carry no disclosures data: they publish under no regime.
    house = (REPO / "house.yaml").read_text(encoding="utf-8")
    assert "regimes: [finra, mar, csrc]" in house
    (out / "house.yaml").write_text(house.replace("regimes: [finra, mar, csrc]", "regimes: []"),
                                    encoding="utf-8")
    per_source = claims // sources
    for source in range(sources):
        lines, entries = [], []
        for offset in range(per_source):
            index = source * per_source + offset
            value = 10 + index % 900 + (index % 7) / 10
            sentence = (f"Company {index} reported revenue of {value} billion USD in 2024, "
                        f"up {index % 40 + 1}% year on year.")
            lines.append(sentence)
            entries.append(
                f"  - id: {claim_id(index)}\n"
                f"    text: Company {index} had revenue of ${value}bn in 2024.\n"
                f"    kind: fact\n"
                f"    data:\n"
                f"      - {{metric: revenue, entity: Company {index}, period: '2024', "
                f"value: {value}, unit: USD bn}}\n"
                f"      - {{metric: revenue-yoy, entity: Company {index}, period: '2024', "
                f"value: {index % 40 + 1}, unit: '%'}}\n"
                f"    source:\n      quote: \"{sentence}\"\n"
                f"    tags: [synthetic, group-{index % 5}]\n")
        (out / "seeds" / f"source-{source:02d}.txt").write_text("\n".join(lines) + "\n")
        (out / "seeds" / f"source-{source:02d}.yaml").write_text(
            f"source:\n  title: Synthetic source {source}\n  publisher: Bench Securities\n"
            f"  date: 2025-01-0{1 + source % 9}\n  language: en\n  kind: research-note\n"
            "claims:\n" + "".join(entries))
    for figure in range(figures):
        members = [claim_id((figure * 7 + k) % claims) for k in range(4)]
        (out / "figures" / f"figure-{figure:03d}.yaml").write_text(
            f"title: Revenue of four companies ({figure})\nkind: bar\n"
            f"claims: [{', '.join(members)}]\ntransform:\n  - filter: {{metric: [revenue]}}\n"
            "x: entity\n")
    for note in range(notes):
        cited = [claim_id((note * 13 + k) % claims) for k in range(20)]
        body = "\n".join(f"      Company revenue was {{{c}}} [@{c}]." for c in cited)
        own_figures = [f"figure-{(note * 2 + k) % figures:03d}" for k in range(2)]
        refs = " ".join(f"[@fig:{f}]" for f in own_figures)
        (out / "notes" / f"note-{note:03d}.yaml").write_text(
            f"title: Synthetic note {note}\nsector: tech\nlanguage: en\ndate: 2025-02-01\n"
            "status: approved\napproved_by: lin-mei\napproved_at: 2025-02-01T09:00:00\n"
            "rating: outperform\nanalysts: [lin-mei]\n"
            f"{'previous_rating: outperform' if note else ''}\n"
            f"key_points:\n  - Revenue grew [@{cited[0]}].\n"
            f"sections:\n  - heading: Revenue\n    body: |\n{body}\n      See {refs}.\n"
            f"    figures: [{', '.join(own_figures)}]\n")


def copy_sample(target: Path) -> Path:
    """A copy of the repository's own project (sources, figures, notes, house.yaml and
    compliance.yaml)."""
    target.mkdir(parents=True)
    for part in ("house.yaml", "compliance.yaml", "seeds", "figures", "notes"):
        source = REPO / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, target / part)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--claims", type=int, default=1000)
    parser.add_argument("--notes", type=int, default=50)
    parser.add_argument("--figures", type=int, default=100)
    parser.add_argument("--sources", type=int, default=SOURCES)
    args = parser.parse_args()
    generate(args.out, args.claims, args.notes, args.figures, args.sources)


if __name__ == "__main__":
    main()
