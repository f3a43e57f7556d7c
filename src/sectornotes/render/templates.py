"""The Jinja2 environment every page renders through, and the values templates may use.

Templates come from the project's `templates/` first and the package's
defaults second, so a project may override any single file. Every render
records which template files it actually loaded, for the build engine.
"""

from __future__ import annotations

import re
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import (
    BaseLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    Template,
    TemplateNotFound,
)
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from ..inputs.project import PACKAGE_TEMPLATES, Project
from ..inputs.urls import safe_url
from .langspans import mark_other_scripts


class _RecordingLoader(BaseLoader):
    """Project templates first, package defaults second; remembers which files it served."""

    def __init__(self, loaders: list[FileSystemLoader]) -> None:
        self.loaders = loaders
        self.loaded: dict[str, str] = {}

    def get_source(self, environment: Environment, template: str
                   ) -> tuple[str, str, Callable[[], bool]]:
        """The first loader's template, its file and when it stops being current."""
        for position, loader in enumerate(self.loaders):
            try:
                source, filename, uptodate = loader.get_source(environment, template)
            except TemplateNotFound:
                continue
            if position == 0 and _leaves(loader, filename):
                continue  # an override linking outside the project is never read (check says so)
            self.loaded[template] = filename
            if position > 0:  # a default stays current only while no override appears
                overrides = self.loaders[:position]
                def still_current(uptodate: Callable[[], bool] = uptodate,
                                  overrides: list[FileSystemLoader] = overrides) -> bool:
                    return uptodate() and not any(
                        _has_template(other, template) for other in overrides)

                return source, filename, still_current
            return source, filename, uptodate
        raise TemplateNotFound(template)


def _leaves(loader: FileSystemLoader, filename: str) -> bool:
    project_root = Path(loader.searchpath[0]).resolve().parent
    return not Path(filename).resolve().is_relative_to(project_root)


def _has_template(loader: FileSystemLoader, name: str) -> bool:
    return any((Path(folder) / name).is_file() for folder in loader.searchpath)


class _RecordingEnvironment(ImmutableSandboxedEnvironment):
    """Remembers every template name a render asks for, compiled-cache hits included.

    Sandboxed: a project's template override is a file anyone may ship with a project,
    so it can read the values it is given but cannot reach Python's internals
    (`__class__`, `__globals__` …), call unsafe functions or mutate what it is given.
    """

    recorded: set[str]

    def _load_template(self, name: str,
                       globals: MutableMapping[str, Any] | None,  # noqa: A002 - Jinja's name
                       ) -> Template:
        self.recorded.add(name)
        return super()._load_template(name, globals)

    def render_page(self, name: str, context: dict[str, Any]) -> str:
        """Render a template; an override's unsafe operation is a clear error, not a leak."""
        from jinja2.exceptions import SecurityError

        from ..errors import SectornotesError

        try:
            page = self.get_template(name).render(context)
        except SecurityError as refused:
            where = ", ".join(f"templates/{t}" for t in self.recorded) or f"templates/{name}"
            raise SectornotesError(
                f"{where}: a template may use the values it is given but not reach Python's "
                f"internals or change them (refused: {refused})") from None
        return mark_other_scripts(page, str(context.get("language", "en")))

    def used_templates(self) -> dict[str, str]:
        """Each template name this render asked for, with the file it was read from."""
        loader = self.loader
        loaded = loader.loaded if isinstance(loader, _RecordingLoader) else {}
        return {name: loaded.get(name, name) for name in sorted(self.recorded)}


_ENVIRONMENTS: dict[Path, _RecordingEnvironment] = {}


def template_environment(project: Project) -> _RecordingEnvironment:
    """The project's environment (compiled templates are reused; edits are seen via
    Jinja's up-to-date check), with autoescaping on and an empty record of loads."""
    environment = _ENVIRONMENTS.get(project.root)
    if environment is None:
        loader = _RecordingLoader([FileSystemLoader(str(project.root / "templates")),
                                   FileSystemLoader(str(PACKAGE_TEMPLATES))])
        environment = _RecordingEnvironment(
            loader=loader, autoescape=True, undefined=StrictUndefined, trim_blocks=True,
            lstrip_blocks=True, keep_trailing_newline=True)
        # Every user-written link goes through the one URL policy here too, so a model
        # that skipped validation still renders no javascript: link (templates: `| safe_url`).
        environment.filters["safe_url"] = safe_url
        _ENVIRONMENTS[project.root] = environment
    environment.recorded = set()
    return environment


@dataclass
class Rendered:
    """An HTML page and what went into it."""

    html: str
    templates: dict[str, str] = field(default_factory=dict)  # name -> file path
    claim_ids: list[str] = field(default_factory=list)
    figure_ids: list[str] = field(default_factory=list)


def css_font_list(names: list[str]) -> Markup:
    """A CSS font-family value; names are reduced to safe characters (no CSS injection)."""
    cleaned = [re.sub(r"[^A-Za-z0-9 _-]", "", name).strip() for name in names]
    generic = {"serif", "sans-serif", "monospace"}
    parts = [name if name in generic else f'"{name}"' for name in cleaned if name]
    return Markup(", ".join(parts or ["sans-serif"]))


def css_string(text: str) -> Markup:
    """Text as a quoted CSS string that cannot close the string or the <style> element."""
    escaped = "".join(c if c.isalnum() or c in " ()-_.,·（）" else f"\\{ord(c):x} " for c in text)
    return Markup(f'"{escaped}"')


def page_counter(footer: str) -> Markup:
    """A language's 'Page {page} of {pages}' as CSS content with page counters. The
    text is the tool's own string: only what could end the string or the <style> is
    escaped, so CJK punctuation stays as written."""
    parts = []
    for index, part in enumerate(re.split(r"\{(page|pages)\}", footer)):
        if index % 2:
            parts.append(f"counter({part})")
        elif part:
            parts.append('"' + "".join(c if c.isprintable() and c not in '"\\<>' else
                                       f"\\{ord(c):x} " for c in part) + '"')
    return Markup(" ".join(parts))
