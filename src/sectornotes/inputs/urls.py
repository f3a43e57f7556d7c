"""The one policy for links written by users (a source's `url:`, the firm's `website:`).

A link a user wrote ends up as `href` in pages clients and analysts open, so
only addresses a browser fetches from a web server are accepted: `http` or
`https`, with a host, without whitespace or control characters (browsers strip
or ignore them, which is how `java\\tscript:` and ` javascript:` slip past a
naive scheme test), without a user name (`https://bank.example@evil.example/`),
and at most `MAX_URL_LENGTH` characters. `check` reports a refused address at
its YAML position (schema.py); templates pass every such link through
`safe_url` again, so a model built without validation still renders no
unsafe link.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2048  # far above any real article address; bounds what a page carries
ALLOWED_SCHEMES = ("http", "https")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
# A host name (letters of any script, digits, '-', '.') or a bracketed IPv6 address.
_HOST = re.compile(r"[\w\-.]+|\[[0-9A-Fa-f:.]+\]")
_EXAMPLE = "write the full address, e.g. https://example.com/report"


def url_problem(text: str) -> str | None:
    """Why `text` is not an acceptable link (a message for `check`), or None when it is."""
    if len(text) > MAX_URL_LENGTH:
        return f"the address is {len(text)} characters long; a link may have at most {MAX_URL_LENGTH}"
    for position, char in enumerate(text):
        if char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Zs", "Zl", "Zp"):
            return (f"{_shown(text)} contains {_character(char)} at position {position + 1}; "
                    "a link is one address without spaces or control characters "
                    "(write a space as %20)")
    if "\\" in text:
        return f"{_shown(text)} contains a backslash; write '/' between the parts of a link"
    scheme = _SCHEME.match(text)
    if scheme is None:
        if text.startswith("//"):
            return (f"{_shown(text)} has no scheme (a protocol-relative link); {_EXAMPLE}")
        return f"{_shown(text)} is not a full address; {_EXAMPLE}"
    if scheme.group(1).lower() not in ALLOWED_SCHEMES:
        return (f"only http(s) links are allowed, got '{_escaped(scheme.group(0))}'; "
                f"{_EXAMPLE}")
    return _authority_problem(text)


def _authority_problem(text: str) -> str | None:
    """The part after `https:` must be `//host[:port]`, without a user name."""
    if not text[text.index(":") + 1:].startswith("//"):
        return f"{_shown(text)} has no host after the scheme; {_EXAMPLE}"
    try:
        parts = urlsplit(text)
        _ = parts.port  # raises ValueError for a port out of range or not a number
    except ValueError:
        return f"{_shown(text)} is not a valid address (its host or port cannot be read)"
    if "@" in parts.netloc:
        return (f"{_shown(text)} names a user before '@'; a link to a document must not "
                "carry a user name or password")
    host = parts.netloc.rsplit(":", 1)[0] if not parts.netloc.endswith("]") else parts.netloc
    if not host or not _HOST.fullmatch(host) or host.strip(".") == "":
        return f"{_shown(text)} has no host after the scheme; {_EXAMPLE}"
    return None


def safe_url(value: object) -> str | None:
    """`value` when it is an acceptable link, else None (templates then render no link)."""
    if isinstance(value, str) and url_problem(value) is None:
        return value
    return None


def prose_link_allowed(href: str) -> bool:
    """A link written in note prose (`[text](href)`): an acceptable address or an anchor
    in the same page (`#fig-capex`); anything else is rendered as plain text."""
    if href.startswith("#"):
        return re.fullmatch(r"#[\w\-.:]*", href) is not None
    return safe_url(href) is not None


def _escaped(text: str) -> str:
    """Control and invisible characters written as escapes, so a message shows them."""
    return "".join(char if char.isprintable() else f"\\u{ord(char):04x}" if ord(char) > 0xff
                   else repr(char)[1:-1] for char in text)


def _character(char: str) -> str:
    return "a space" if char == " " else f"the character U+{ord(char):04X}"


def _shown(text: str) -> str:
    shown = _escaped(text[:80]) + ("…" if len(text) > 80 else "")
    return f"'{shown}'"
