"""Delivering client copies end to end vs stamping them alone.

    .venv/bin/python bench/delivery.py [COPIES]     # default 1000

A copy of this project gets COPIES entitled clients; the tech-outlook-2025h2
note is built, then `distribute` stamps and sends every copy through a local
SMTP server (aiosmtpd on 127.0.0.1, in its own process), recording each
delivery. The baseline is stamping the same number of copies alone, in the
same run.
"""

from __future__ import annotations

import datetime as dt
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from sectornotes.distribute import SmtpSettings, distribute  # noqa: E402
from sectornotes.distribute.approve import approve  # noqa: E402
from sectornotes.distribute.stamp import stamp_copies  # noqa: E402
from sectornotes.engine.run import build  # noqa: E402
from sectornotes.inputs.project import Project  # noqa: E402
from sectornotes.loaded.project import load_project  # noqa: E402

NOTE = "tech-outlook-2025h2"


SERVER = """
import asyncio, sys
from aiosmtpd.controller import Controller

class Counting:
    def __init__(self):
        self.messages = self.sessions = 0
    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.sessions += 1
        session.host_name = hostname
        return responses
    async def handle_DATA(self, server, session, envelope):
        self.messages += 1
        return "250 2.0.0 queued"

handler = Counting()
controller = Controller(handler, hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
sys.stdin.read()  # until the benchmark closes our stdin
controller.stop()
print(handler.messages, handler.sessions, flush=True)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_project(folder: Path, copies: int) -> Project:
    for part in ("seeds", "figures", "notes"):
        shutil.copytree(REPO / part, folder / part)
    for name in ("house.yaml", "compliance.yaml"):  # the regimes need the compliance data
        shutil.copy(REPO / name, folder / name)
    clients = "".join(f"  - id: client-{i:04d}\n    name: Client {i:04d}\n"
                      f"    emails: [desk{i:04d}@clients.example.invalid]\n"
                      "    entitlements: {sectors: [tech]}\n" for i in range(copies))
    (folder / "clients.yaml").write_text("clients:\n" + clients, encoding="utf-8")
    project = Project(folder)
    result = build(project, (NOTE,))
    assert result.ok, result.failed
    approve(project, NOTE, "Supervisory Analyst")  # distribute sends approved builds only
    return project


def main() -> None:
    copies = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as folder:
        project = make_project(Path(folder), copies)
        model = load_project(project)
        pdf_bytes = (project.build_dir / "pdf" / f"{NOTE}.pdf").read_bytes()
        fonts = model.house.fonts.get("zh", [])
        stamp_copies(pdf_bytes, [("warm-up", "0" * 32)], fonts)
        stamps = [(f"Prepared for Client {i:04d} · 2026-11-23 · ref {i:012x}", f"{i:032x}")
                  for i in range(copies)]
        started = time.perf_counter()
        for batch in range(0, copies, 200):
            stamp_copies(pdf_bytes, stamps[batch:batch + 200], fonts)
        stamp_seconds = time.perf_counter() - started

        # The relay runs in its own process, as a real one would.
        port = free_port()
        relay = subprocess.Popen([sys.executable, "-c", SERVER, str(port)], text=True,
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert relay.stdout is not None and relay.stdout.readline().strip() == "ready"
        try:
            settings = SmtpSettings(host="127.0.0.1", port=port,
                                    sender="research@house.example.invalid")
            started = time.perf_counter()
            result = distribute(project, (NOTE,), settings, dt.date(2025, 6, 10),
                                log=lambda line: None)
            deliver_seconds = time.perf_counter() - started
        finally:
            counts, _ = relay.communicate(timeout=60)
    messages, sessions = (int(n) for n in counts.split())
    assert result.ok and len(result.sent) == copies == messages, (len(result.sent), messages)
    print(f"stamp {copies} client copies alone                 {stamp_seconds:8.3f} s")
    print(f"deliver {copies} copies (stamp + SMTP + records)   {deliver_seconds:8.3f} s  "
          f"ratio {deliver_seconds / stamp_seconds:6.2f}x  "
          f"({deliver_seconds / copies * 1000:.1f} ms per delivery, "
          f"{sessions} SMTP session(s))")


if __name__ == "__main__":
    main()
