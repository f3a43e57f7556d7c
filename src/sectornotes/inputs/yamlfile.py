"""Reading project files safely: UTF-8 text and YAML with source positions.

Every problem becomes a `Finding` with a position instead of an exception, so
`check` can report all of them at once and never shows a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..findings import Finding

MAX_YAML_BYTES = 2 * 1024 * 1024
MAX_TEXT_BYTES = 20 * 1024 * 1024

Position = tuple[int, int]  # 1-based line, column
# ('claims', 3, 'data', 0, 'value'): mapping keys are whatever scalar the file wrote.
PathKey = tuple[object, ...]


class FileProblem(Exception):
    """A file that cannot be used at all; carries the finding to report."""

    def __init__(self, finding: Finding):
        super().__init__(finding.format())
        self.finding = finding


@dataclass
class YamlDocument:
    """A parsed YAML file: plain Python data plus where each value was written."""

    path: str
    data: object
    text: str = ""
    value_positions: dict[PathKey, Position] = field(default_factory=dict)
    value_offsets: dict[PathKey, int] = field(default_factory=dict)
    key_positions: dict[PathKey, Position] = field(default_factory=dict)
    # Values that cannot be what they say (2025-02-30): one finding each, at the value;
    # the value stays as written so the rest of the file is still validated.
    problems: dict[PathKey, Finding] = field(default_factory=dict)

    def position(self, key_path: PathKey, of_key: bool = False) -> Position:
        """Best position for a path: the exact node, else its nearest ancestor."""
        table = self.key_positions if of_key else self.value_positions
        for depth in range(len(key_path), -1, -1):
            prefix = tuple(key_path[:depth])
            if prefix in table:
                return table[prefix]
            if prefix in self.value_positions:
                return self.value_positions[prefix]
        return (1, 1)

    def position_in_value(self, key_path: PathKey, needle: str, occurrence: int = 0) -> Position:
        """Where `needle` (its n-th occurrence) is written inside a string value.

        Searching the file text from the value's start copes with every scalar
        style (plain, quoted, literal, folded) without re-deriving indentation.
        """
        start = self.value_offsets.get(tuple(key_path))
        if start is None:
            return self.position(key_path)
        index = start - 1
        for _ in range(occurrence + 1):
            index = self.text.find(needle, index + 1)
            if index < 0:
                return self.position(key_path)
        line = self.text.count("\n", 0, index) + 1
        return line, index - (self.text.rfind("\n", 0, index) + 1) + 1

    def finding(self, key_path: PathKey, message: str, of_key: bool = False) -> Finding:
        line, col = self.position(tuple(key_path), of_key)
        return Finding(self.path, line, col, message)


class DeferredDocument(YamlDocument):
    """A YAML document whose positions are read from its file only when asked for.

    Seed files are loaded without positions (PyYAML's C loader, or from the proof cache);
    the first finding that needs a place composes the file once with positions. When the
    file can no longer be read, positions fall back to 1:1.
    """

    def __init__(self, path: str, file_path: Path, data: object = None):
        super().__init__(path, data)
        self._file_path: Path | None = file_path

    def _positions(self) -> None:
        if self._file_path is None:
            return
        file_path, self._file_path = self._file_path, None
        try:
            full = load_yaml(file_path, self.path)
        except (FileProblem, OSError):
            return
        self.text = full.text
        self.value_positions, self.value_offsets = full.value_positions, full.value_offsets
        self.key_positions = full.key_positions

    def position(self, key_path: PathKey, of_key: bool = False) -> Position:
        self._positions()
        return super().position(key_path, of_key)

    def position_in_value(self, key_path: PathKey, needle: str, occurrence: int = 0) -> Position:
        self._positions()
        return super().position_in_value(key_path, needle, occurrence)


def read_text(file_path: Path, display_path: str, limit: int = MAX_TEXT_BYTES) -> str:
    """Read a UTF-8 text file, raising FileProblem for binary, huge or mis-encoded files."""
    size = file_path.stat().st_size
    if size > limit:
        raise FileProblem(Finding(
            display_path, 1, 1,
            f"file is {size / 1048576:.1f} MB, over the {limit // 1048576} MB limit "
            "for project files; split it into smaller files",
        ))
    raw = file_path.read_bytes()
    if b"\x00" in raw:
        line, col = _line_col_of_byte(raw, raw.index(b"\x00"))
        raise FileProblem(Finding(
            display_path, line, col,
            "binary file (contains NUL bytes); project files must be UTF-8 text",
        ))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col_of_byte(raw, exc.start)
        raise FileProblem(Finding(
            display_path, line, col,
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); re-save the file as UTF-8",
        )) from None
    return text.removeprefix("\ufeff")


def _line_col_of_byte(raw: bytes, offset: int) -> Position:
    before = raw[:offset]
    line = before.count(b"\n") + 1
    line_start = before.rfind(b"\n") + 1
    col = len(before[line_start:].decode("utf-8", errors="replace")) + 1
    return line, col


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(file_path: Path, display_path: str) -> YamlDocument:
    """Parse a YAML file into data and positions, or raise FileProblem."""
    text = read_text(file_path, display_path, MAX_YAML_BYTES)
    if not text.strip():
        raise FileProblem(Finding(display_path, 1, 1, "file is empty; expected a YAML mapping"))
    try:
        _reject_aliases_and_deep_nesting(text, display_path)
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or "invalid YAML"
        context = f" {exc.context}" if exc.context else ""
        character = text[mark.index] if mark is not None and mark.index < len(text) else ""
        if character in "%@`":
            context += (f"; a value cannot start with '{character}' in YAML: put it in quotes, "
                        f"e.g. unit: \"{character}\"")
        raise FileProblem(Finding(
            display_path, line, col, f"YAML syntax error: {problem}{context}"
        )) from None
    except yaml.YAMLError as exc:  # e.g. several documents in one file
        raise FileProblem(Finding(display_path, 1, 1, f"YAML error: {exc}")) from None
    if root is None:
        raise FileProblem(Finding(display_path, 1, 1, "file is empty; expected a YAML mapping"))
    document = YamlDocument(display_path, None, text)
    document.data = _construct(root, (), document)
    if not isinstance(document.data, dict):
        line, col = root.start_mark.line + 1, root.start_mark.column + 1
        raise FileProblem(Finding(
            display_path, line, col, "expected a YAML mapping (key: value) at the top level"
        ))
    return document


class _NeedsPositions(Exception):
    """The fast load met something only the positional loader reports precisely."""


def _fast_mapping(loader: yaml.CSafeLoader, node: yaml.MappingNode) -> dict[object, object]:
    mapping: dict[object, object] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise _NeedsPositions
        key = loader.construct_object(key_node, deep=True)
        if key in mapping or key_node.tag != _STR:  # a duplicate, a merge or a non-text key
            raise _NeedsPositions
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """PyYAML's C loader, refusing (for the positional loader to report) what `load_yaml`
    reports: duplicate keys, merges and keys that are not plain text."""


_FastLoader.add_constructor("tag:yaml.org,2002:map", _fast_mapping)


def load_yaml_fast(file_path: Path, display_path: str) -> YamlDocument:
    """`load_yaml` without positions, with PyYAML's C loader; positions are composed on
    first use (`DeferredDocument`). Anything unusual (a duplicate key, an impossible date,
    a syntax error) goes through `load_yaml`, so findings are the same either way."""
    text = read_text(file_path, display_path, MAX_YAML_BYTES)
    if not text.strip() or "<<" in text:
        return load_yaml(file_path, display_path)
    try:
        _reject_aliases_and_deep_nesting(text, display_path)  # as load_yaml, first
        data = yaml.load(text, Loader=_FastLoader)
    except (yaml.YAMLError, _NeedsPositions, ValueError, OverflowError, TypeError):
        return load_yaml(file_path, display_path)
    if not isinstance(data, dict):
        return load_yaml(file_path, display_path)
    return DeferredDocument(display_path, file_path, data)


MAX_NESTING = 64  # project files nest a few levels; thousands crash the recursive composer


def _could_nest_deeply(text: str) -> bool:
    # Depth is at most the flow brackets plus the deepest line prefix of spaces and dashes
    # (each block level needs one more column): below the limit, nothing to measure.
    flow = text.count("[") + text.count("{")
    deepest = max((len(line) - len(line.lstrip(" -")) for line in text.splitlines()), default=0)
    return flow + deepest > MAX_NESTING


def _reject_aliases_and_deep_nesting(text: str, display_path: str) -> None:
    # Nesting is measured on the text by the project's own pass, before PyYAML scans it,
    # so the limit and its message are the same whatever PyYAML version is installed.
    # Aliases let a few lines expand to gigabytes ("billion laughs"); project files
    # never need them, so any alias is refused before composing.
    if _could_nest_deeply(text):
        too_deep = nesting_over(text, MAX_NESTING)
        if too_deep is not None:
            raise FileProblem(Finding(
                display_path, too_deep[0], too_deep[1],
                f"YAML nested more than {MAX_NESTING} levels deep; project files need a "
                "few levels (is this file what you meant to save here?)"))
    if "*" not in text:
        return
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, yaml.AliasEvent):
            mark = event.start_mark
            line, column = (mark.line, mark.column) if mark is not None else (0, 0)
            raise FileProblem(Finding(
                display_path, line + 1, column + 1,
                f"YAML alias '*{event.anchor}' is not allowed in project files; "
                "write the value out in full",
            ))


_FLOW_TOKEN = re.compile(r"""[\[\]{}"'#]""")
_BLOCK_SCALAR = re.compile(r"[|>][-+0-9]*\s*(#.*)?$")
_SEQUENCE_ITEM = re.compile(r"-(?:\s+|$)")
_KEY = re.compile(r"[^\s#\[{\"'|>-][^#]*?:(?:\s|$)|-\S[^#]*?:(?:\s|$)")


def nesting_over(text: str, limit: int) -> Position | None:
    """Where the nesting of a YAML text first exceeds `limit`, or None.

    A single linear pass, independent of any YAML library: block collections are
    counted by indentation and `- ` markers, flow collections by their brackets
    (outside quotes and comments), block scalars are skipped. Levels are counted
    below the top-level mapping, so `a: [[1]]` is two levels deep. Block layouts are
    counted exactly, a flow document within one level: it only has to stop
    pathological depth long before a parser's recursion or limit does.
    """
    levels: list[tuple[int, bool]] = []  # open block collections: (column, is a sequence)
    flow = 0  # open flow brackets
    quote = ""  # an open quoted scalar continuing over lines
    scalar_indent: int | None = None  # inside a block scalar indented deeper than this
    for line_number, line in enumerate(text.split("\n"), start=1):
        stripped = line.lstrip(" ")
        column = len(line) - len(stripped)
        if scalar_indent is not None:
            if not stripped.strip() or column > scalar_indent:
                continue
            scalar_indent = None
        if not quote and flow == 0:
            if not stripped.strip() or stripped.startswith(("#", "---", "...", "%")):
                continue
            rest = stripped
            item = _SEQUENCE_ITEM.match(rest)
            _open_block(levels, column, sequence=item is not None)
            while item is not None:
                column += item.end()
                rest = rest[item.end():]
                item = _SEQUENCE_ITEM.match(rest)
                if item is not None:
                    levels.append((column, True))  # "- - x": a sequence in an item
                elif _KEY.match(rest):
                    levels.append((column, False))  # "- key: value": a mapping in an item
            if len(levels) - 1 > limit:
                return line_number, len(line) - len(stripped) + 1
            value = _block_value(rest)
            if value is None:
                continue
            offset = len(line) - len(value)
            if _BLOCK_SCALAR.match(value):
                scalar_indent = len(line) - len(stripped)
                continue
            if value[:1] in "\"'":
                quote, start = value[0], offset + 1
            elif value[:1] in "[{":
                start = offset
            else:
                continue
        else:
            start = 0
        position = 0
        while True:
            if quote:
                end = _quote_end(line, start, quote)
                if end < 0:
                    break  # the quoted scalar goes on on the next line
                quote, start = "", end
                if flow == 0:
                    break
                continue
            match = _FLOW_TOKEN.search(line, start)
            if match is None:
                break
            token, position = match.group(), match.start()
            start = position + 1
            if token in "[{":
                flow += 1
                if len(levels) - 1 + flow > limit:
                    return line_number, position + 1
            elif token in "]}":
                flow -= 1
                if flow <= 0:
                    flow = 0
                    break
            elif token == "#":
                if position == 0 or line[position - 1] in " \t":
                    break
            else:
                quote = token
    return None


def _open_block(levels: list[tuple[int, bool]], column: int, sequence: bool) -> None:
    """Close the block collections a line at `column` ends, open the one it starts."""
    while levels and (levels[-1][0] > column
                      or (levels[-1][0] == column and levels[-1][1] and not sequence)):
        levels.pop()
    if not levels or levels[-1][0] < column or levels[-1][1] != sequence:
        levels.append((column, sequence))  # a sequence may sit at its key's column


def _block_value(rest: str) -> str | None:
    """The value part of a block line (`key: value` → `value`), None when it has none."""
    if not rest.strip():
        return None
    if rest[:1] in "[{\"'|>":
        return rest
    key_end = rest.find(": ")
    if key_end < 0:
        return None
    value = rest[key_end + 2:].lstrip(" ")
    return value or None


def _quote_end(line: str, start: int, quote: str) -> int:
    """Index just past the closing quote in `line` from `start`, or -1 when it is not closed."""
    index = start
    while True:
        found = line.find(quote, index)
        if found < 0:
            return -1
        if quote == '"':
            backslashes = len(line[:found]) - len(line[:found].rstrip("\\"))
            if backslashes % 2:
                index = found + 1
                continue
            return found + 1
        if line.startswith("''", found):  # '' is an escaped quote in single quotes
            index = found + 2
            continue
        return found + 1


_SCALARS = yaml.constructor.SafeConstructor()
_STR = "tag:yaml.org,2002:str"


def _construct(node: yaml.Node, key_path: PathKey, document: YamlDocument) -> object:
    document.value_positions[key_path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    document.value_offsets[key_path] = node.start_mark.index
    if isinstance(node, yaml.MappingNode):
        mapping: dict[object, object] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise FileProblem(document.finding(key_path, "mapping keys must be plain values"))
            key = _SCALARS.construct_object(key_node, deep=True)
            if key in mapping:
                line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                first_line = document.key_positions[key_path + (key,)][0]
                raise FileProblem(Finding(
                    document.path, line, col,
                    f"duplicate key '{key}' (first set on line {first_line}); "
                    "remove one of them",
                ))
            child_path = key_path + (key,)
            document.key_positions[child_path] = (
                key_node.start_mark.line + 1, key_node.start_mark.column + 1
            )
            mapping[key] = _construct(value_node, child_path, document)
        return mapping
    if isinstance(node, yaml.SequenceNode):
        return [
            _construct(item, key_path + (index,), document)
            for index, item in enumerate(node.value)
        ]
    if node.tag == _STR:  # the common case, without the constructor's bookkeeping
        return node.value
    try:
        return _SCALARS.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError as exc:
        raise FileProblem(document.finding(key_path, f"bad value: {exc.problem}")) from None
    except (ValueError, OverflowError):  # a timestamp that is no date or time
        written = str(node.value)
        why = date_problem(written) or "it is not a valid date or time"
        what = "a date and time" if ":" in written else "a date"
        document.problems[key_path] = document.finding(
            key_path, f"{_dotted_path(key_path)}: {written} is not {what} ({why})")
        return written


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_DATE_TIME = re.compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt ]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")


def date_problem(written: str) -> str | None:
    """Why `written` (YYYY-MM-DD, optionally with a time) is no real date, or None.

    In the project's words, whichever library parsed it: "February 2025 has 28 days".
    """
    import calendar

    match = _DATE_TIME.match(written)
    if match is None:
        return None
    year, month, day = (int(match.group(i)) for i in (1, 2, 3))
    if not 1 <= month <= 12:
        return f"there is no month {month}; months go from 01 to 12"
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return f"{_MONTHS[month - 1]} {year} has {days} days"
    hour, minute, second = (int(match.group(i) or 0) for i in (4, 5, 6))
    if hour > 23 or minute > 59 or second > 59:
        return "hours go from 00 to 23, minutes and seconds from 00 to 59"
    return None


def _dotted_path(key_path: PathKey) -> str:
    text = ""
    for part in key_path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "value"
