"""clients.yaml: the distribution list, validated by `check` like every project file."""

from __future__ import annotations

import datetime as dt

from ..findings import Finding, did_you_mean
from ..inputs.mailsafe import header_problem
from ..inputs.project import Project
from ..inputs.schema import Client, Clients, Note, validate
from ..inputs.yamlfile import FileProblem, YamlDocument, load_yaml


def load_clients(project: Project) -> tuple[Clients | None, YamlDocument | None, list[Finding]]:
    """The distribution list, or None when the project has none (or it is invalid)."""
    if not project.clients_path.is_file() or project.leaves_project(project.clients_path):
        return None, None, []
    display = project.relative(project.clients_path)
    try:
        document = load_yaml(project.clients_path, display)
    except FileProblem as problem:
        return None, None, [problem.finding]
    clients, findings = validate(Clients, document)
    return clients, document, findings


def check_clients(clients: Clients, document: YamlDocument, note_ids: list[str]) -> list[Finding]:
    """Unique ids and addresses, entitlements naming notes that exist."""
    findings = []
    seen_ids: dict[str, int] = {}
    seen_emails: dict[str, str] = {}
    for index, client in enumerate(clients.clients):
        if client.id in seen_ids:
            findings.append(document.finding(("clients", index, "id"), (
                f"clients[{index}].id: duplicate client id '{client.id}' "
                f"(also clients[{seen_ids[client.id]}])")))
        seen_ids.setdefault(client.id, index)
        findings += _header_findings(client, index, document)
        own: dict[str, int] = {}
        for email_index, email in enumerate(client.emails):
            first = own.setdefault(email.casefold(), email_index)
            if first != email_index:
                findings.append(document.finding(("clients", index, "emails", email_index), (
                    f"clients[{index}].emails[{email_index}]: {email} repeats "
                    f"clients[{index}].emails[{first}] (addresses ignore case); list each "
                    "address once")))
                continue
            owner = seen_emails.setdefault(email.casefold(), client.id)
            if owner != client.id:
                findings.append(document.finding(("clients", index, "emails", email_index), (
                    f"clients[{index}].emails[{email_index}]: {email} is also an address of "
                    f"client '{owner}'; an address belongs to one client")))
        for note_index, note_id in enumerate(client.entitlements.notes):
            if note_id not in note_ids:
                findings.append(document.finding(
                    ("clients", index, "entitlements", "notes", note_index),
                    f"clients[{index}].entitlements.notes[{note_index}]: unknown note "
                    f"'{note_id}'{did_you_mean(note_id, note_ids)}"))
    return findings


def _header_findings(client: Client, index: int, document: YamlDocument) -> list[Finding]:
    """A client's name and addresses go into the To header: one line each, nothing hidden."""
    values: list[tuple[tuple[str | int, ...], str, str]] = [
        (("clients", index, "name"), f"clients[{index}].name", client.name)]
    values += [(("clients", index, "emails", i), f"clients[{index}].emails[{i}]", email)
               for i, email in enumerate(client.emails)]
    findings = []
    for key_path, label, value in values:
        problem = header_problem(value)
        if problem:
            findings.append(document.finding(key_path, (
                f"{label}: {value!r} {problem}; it goes into the email's To header: write it "
                "on one line")))
    return findings


def entitlement(client: Client, note_id: str, note: Note, today: dt.date) -> str | None:
    """Why the client may not receive the note, or None when entitled."""
    rights = client.entitlements
    if rights.expires is not None and rights.expires < today:
        return f"entitlement expired on {rights.expires.isoformat()}"
    if note_id in rights.notes or note.sector in rights.sectors:
        return None
    return f"not entitled to sector '{note.sector}' or note '{note_id}'"
