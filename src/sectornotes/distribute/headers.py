"""Header values the email package would fold wrongly, folded here once and exactly.

The email package's folder (3.11–3.13) leaves the space before a fold in place
when the next word is an encoded word, so "applications — Outperform" comes out
as "applications \\r\\n =?utf-8?b?4oCU?= …" and unfolds with two spaces. A
subject is therefore folded here (RFC 5322 folding, RFC 2047 encoded words) and
handed to the message as a header object, which every policy writes as it is
(`email.policy.EmailPolicy.fold`: a value with a `name` is a header object).
"""

from __future__ import annotations

import base64
from email.policy import Policy

MAX_LINE = 76  # RFC 2047: a line holding an encoded word is at most 76 characters
_CHUNK_BYTES = 39  # UTF-8 bytes per encoded word: 52 base64 characters, 64 in all
_PLAIN_WORD = 60  # a longer ASCII word is encoded, and so split, to keep lines short


class FoldedHeader(str):
    """A header value already folded with CRLF + space: written out as it is."""

    name: str

    def __new__(cls, name: str, text: str) -> FoldedHeader:
        header = super().__new__(cls, text)
        header.name = name
        return header

    def fold(self, *, policy: Policy) -> str:
        """`Name: value` with the policy's line ends (CRLF for SMTP)."""
        folded = fold_unstructured(self.name, str(self))
        return f"{self.name}: " + folded.replace("\r\n", policy.linesep) + policy.linesep


def subject_header(text: str) -> FoldedHeader:
    """The Subject, folded so that it unfolds and decodes to exactly `text`."""
    return FoldedHeader("Subject", text)


def _plain(word: str) -> bool:
    """A word written as it is: printable ASCII, short, and not like an encoded word."""
    return (0 < len(word) <= _PLAIN_WORD and word.isascii() and word.isprintable()
            and "=?" not in word and "?=" not in word)


def _encoded_words(text: str) -> list[str]:
    """`text` as UTF-8 base64 encoded words, each of whole characters (RFC 2047 5.)."""
    words, chunk = [], b""
    for char in text:
        data = char.encode("utf-8")
        if len(chunk) + len(data) > _CHUNK_BYTES:
            words.append(chunk)
            chunk = b""
        chunk += data
    words.append(chunk)
    return [f"=?utf-8?b?{base64.b64encode(w).decode('ascii')}?=" for w in words if w]


def _atoms(text: str) -> list[str]:
    """Plain words and encoded words; one space between any two when unfolded.

    A decoder keeps the space between a plain word and an encoded word and drops
    the one between two encoded words, so a run of words that are not plain is
    encoded with the spaces inside it.
    """
    if text != text.strip(" ") or "  " in text or not text.isprintable():
        return _encoded_words(text)  # spaces that folding could not keep: all encoded
    atoms: list[str] = []
    run: list[str] = []
    for word in text.split(" "):
        if _plain(word):
            if run:
                atoms += _encoded_words(" ".join(run))
                run = []
            atoms.append(word)
        else:
            run.append(word)
    if run:
        atoms += _encoded_words(" ".join(run))
    return atoms


def fold_unstructured(name: str, text: str) -> str:
    """The value of an unstructured header `name`, folded (CRLF + space) before atoms."""
    lines: list[str] = []
    line = ""
    used = len(name) + 2  # "Subject: "
    for atom in _atoms(text):
        if line and used + len(line) + 1 + len(atom) > MAX_LINE:
            lines.append(line)
            line, used = atom, 1  # the continuation line starts with the folding space
        else:
            line = f"{line} {atom}" if line else atom
    lines.append(line)
    return "\r\n ".join(lines)
