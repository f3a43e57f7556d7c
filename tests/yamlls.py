"""A small language-server client for yaml-language-server (the YAML engine of VS Code
and other editors), driven over stdio as an editor drives it: the project's schema
mapping as settings, each file opened, its published diagnostics collected."""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

from .conftest import REPO_ROOT

SERVER = REPO_ROOT / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"
ERROR = 1  # LSP DiagnosticSeverity.Error


class YamlLanguageServer:
    """One server process over stdio; `diagnostics(files)` opens them and waits."""

    def __init__(self, root: Path, schemas: dict[str, list[str]]):
        self.root = root
        # schema files named relative to the project (./.schemas/x.json) become file URIs
        self.settings = {"yaml": {
            "validate": True, "hover": False, "completion": True, "format": {"enable": False},
            "schemaStore": {"enable": False}, "yamlVersion": "1.2",
            "schemas": {(root / name).resolve().as_uri(): globs
                        for name, globs in schemas.items()}}}
        self.process = subprocess.Popen(
            ["node", str(SERVER), "--stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, cwd=root)
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.next_id = 0
        self.request("initialize", {
            "processId": None, "rootUri": root.as_uri(),
            "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
            "capabilities": {"workspace": {"configuration": True}, "textDocument": {
                "publishDiagnostics": {"relatedInformation": False}}}})
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": self.settings})

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            headers = {}
            while (line := stream.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("ascii").partition(":")
                headers[name.strip().lower()] = value.strip()
            if not headers:
                return
            self.messages.put(json.loads(stream.read(int(headers["content-length"]))))

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: dict[str, Any], timeout: float = 60) -> Any:
        self.next_id += 1
        self._send({"id": self.next_id, "method": method, "params": params})
        for message in self._incoming(timeout):
            if message.get("id") == self.next_id and "method" not in message:
                return message.get("result")
        raise TimeoutError(f"no answer to {method}")

    def _incoming(self, timeout: float, quiet: float | None = None):
        """Messages as they come, answering the server's own requests on the way."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                message = self.messages.get(timeout=quiet or max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                return
            if "method" in message and "id" in message:  # a request from the server
                self._send({"id": message["id"], "result": self._answer(message)})
                continue
            yield message

    def _answer(self, request: dict[str, Any]) -> Any:
        if request["method"] == "workspace/configuration":
            return [self.settings.get(item.get("section", ""), None) if "." not in
                    item.get("section", "") else None for item in request["params"]["items"]]
        return None  # client/registerCapability, window/workDoneProgress/create …

    def diagnostics(self, files: list[Path], timeout: float = 120) -> dict[str, list[dict]]:
        """Open each file as an editor does; return its diagnostics, keyed by path."""
        uris = {path.resolve().as_uri(): path.relative_to(self.root).as_posix()
                for path in files}
        for uri in uris:
            self.notify("textDocument/didOpen", {"textDocument": {
                "uri": uri, "languageId": "yaml", "version": 1,
                "text": Path.from_uri(uri).read_text(encoding="utf-8")
                if hasattr(Path, "from_uri") else Path(uri[7:]).read_text(encoding="utf-8")}})
        found: dict[str, list[dict]] = {}
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            # once every file has been reported, a quiet second means validation is over
            quiet = 1.5 if len(found) == len(uris) else None
            got = False
            for message in self._incoming(deadline - time.monotonic(), quiet=quiet or 5):
                if message.get("method") == "textDocument/publishDiagnostics":
                    params = message["params"]
                    if params["uri"] in uris:
                        found[uris[params["uri"]]] = params["diagnostics"]
                        got = True
                        break
            if not got and len(found) == len(uris):
                return found
        missing = sorted(set(uris.values()) - set(found))
        raise TimeoutError(f"no diagnostics for {missing}")

    def close(self) -> None:
        try:
            self.request("shutdown", {}, timeout=10)
            self.notify("exit", {})
            self.process.wait(timeout=10)
        except (TimeoutError, OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()


def errors(diagnostics: dict[str, list[dict]]) -> list[str]:
    """Every error as path:line:col: message (1-based, as editors show them)."""
    return [f"{path}:{d['range']['start']['line'] + 1}:{d['range']['start']['character'] + 1}: "
            f"{d['message']}" for path, found in sorted(diagnostics.items()) for d in found
            if d.get("severity", ERROR) == ERROR]
