"""A new output kind: build/text/<note>.txt, each note's title and key points as plain text."""

from __future__ import annotations

from sectornotes.engine.engine import BuildContext, Job, Produced
from sectornotes.engine.state import hash_json
from sectornotes.loaded.project import LoadedProject


class PlainTextStage:
    name = "plain text"

    def plan(self, context: BuildContext) -> list[Job]:
        jobs = []
        for note_id in sorted(context.notes):
            note = context.notes[note_id].spec
            output = f"text/{note_id}.txt"
            text = "\n".join([note.title, "", *(f"- {point}" for point in note.key_points)])

            def run(output: str = output, text: str = text) -> Produced:
                return Produced({output: (text + "\n").encode("utf-8")})

            jobs.append(Job([output], {f"note:{note_id}": hash_json(note.model_dump(mode="json"))},
                            run))
        return jobs

    def live_outputs(self, model: LoadedProject) -> set[str]:
        return {f"text/{note_id}.txt" for note_id in model.notes}
