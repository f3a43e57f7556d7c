"""A user's research project on disk: where its files are."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import ProjectError

PACKAGE_TEMPLATES = Path(__file__).parent.parent / "templates"


@dataclass(frozen=True)
class Project:
    """Paths of a project rooted at `root` (the folder holding house.yaml and seeds/)."""

    root: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root).resolve())

    @classmethod
    def find(cls, start: Path | str | None = None) -> Project:
        """The project containing `start` (default: the working directory)."""
        here = Path(start or ".").resolve()
        for folder in (here, *here.parents):
            if (folder / "house.yaml").is_file() or (folder / "seeds").is_dir():
                return cls(folder)
        raise ProjectError(
            f"no sectornotes project at or above {here}: expected house.yaml or seeds/ "
            "(create one with 'sectornotes init DIR')"
        )

    @property
    def seeds_dir(self) -> Path:
        return self.root / "seeds"

    @property
    def figures_dir(self) -> Path:
        return self.root / "figures"

    @property
    def notes_dir(self) -> Path:
        return self.root / "notes"

    @property
    def house_path(self) -> Path:
        return self.root / "house.yaml"

    @property
    def clients_path(self) -> Path:
        return self.root / "clients.yaml"

    @property
    def compliance_path(self) -> Path:
        return self.root / "compliance.yaml"

    @property
    def records_dir(self) -> Path:
        return self.root / "records"

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    def relative(self, path: Path) -> str:
        """A path as shown in messages: relative to the project, with '/'."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    def leaves_project(self, path: Path) -> bool:
        """True for a symbolic link (or a path through one) that points outside the project.

        Such files are reported by `check` and never read: a link to /etc/passwd in
        seeds/ must not be published as a source page.
        """
        try:
            return not path.resolve().is_relative_to(self.root)
        except (OSError, RuntimeError):  # a link loop
            return True

    def escaping_links(self) -> list[Path]:
        """Every file or folder in the project's input folders that links outside it."""
        found = []
        for candidate in (self.house_path, self.clients_path, self.compliance_path):
            if candidate.is_symlink() and self.leaves_project(candidate):
                found.append(candidate)
        for folder in (self.seeds_dir, self.figures_dir, self.notes_dir, self.root / "templates"):
            if folder.is_symlink() and self.leaves_project(folder):
                found.append(folder)
                continue
            if folder.is_dir():
                found.extend(p for p in sorted(folder.rglob("*"))
                             if p.is_symlink() and self.leaves_project(p))
        return found

    def seed_files(self) -> list[Path]:
        """seeds/*.yaml of text sources, sorted so output is stable."""
        return [p for p in _sorted_yaml(self.seeds_dir, self) if not _is_series(p)]

    def series_files(self) -> list[Path]:
        """seeds/*.yaml describing a series: the ones with a seeds/<id>.csv beside them."""
        return [p for p in _sorted_yaml(self.seeds_dir, self) if _is_series(p)]

    def series_csv_path(self, series_id: str) -> Path:
        return self.seeds_dir / f"{series_id}.csv"

    def figure_files(self) -> list[Path]:
        return _sorted_yaml(self.figures_dir, self)

    def note_files(self) -> list[Path]:
        return _sorted_yaml(self.notes_dir, self)

    def input_files(self) -> list[Path]:
        """Every file whose content can affect an output (the no-op build digests them)."""
        files = [self.house_path, self.compliance_path]
        for folder in (self.seeds_dir, self.figures_dir, self.notes_dir, self.root / "templates",
                       PACKAGE_TEMPLATES):
            if folder == PACKAGE_TEMPLATES:
                files.extend(p for p in folder.rglob("*") if p.is_file())
            elif folder.is_dir() and not self._links_out(folder):
                # rglob does not descend into linked folders: a link is the file itself.
                files.extend(p for p in folder.rglob("*") if p.is_file() and
                             not self._links_out(p))
        return files

    def _links_out(self, path: Path) -> bool:
        return path.is_symlink() and self.leaves_project(path)


def content_digest(paths: list[Path], salt: str = "") -> str:
    """Digest of the names and contents of files (a missing file counts as missing)."""
    import hashlib

    digest = hashlib.sha256(salt.encode("utf-8"))
    for path in sorted(paths):
        digest.update(str(path).encode("utf-8") + b"\0")
        try:
            digest.update(path.read_bytes())
        except (FileNotFoundError, IsADirectoryError):
            digest.update(b"<missing>")
        digest.update(b"\0")
    return digest.hexdigest()


def _is_series(yaml_path: Path) -> bool:
    """A series' YAML describes it under 'series:'; a spreadsheet source's under 'source:'."""
    import re

    if not yaml_path.with_suffix(".csv").is_file():
        return False
    try:
        return re.search(r"(?m)^series:", yaml_path.read_text(encoding="utf-8")) is not None
    except (OSError, UnicodeDecodeError):
        return False


def _sorted_yaml(folder: Path, project: Project) -> list[Path]:
    if not folder.is_dir() or project._links_out(folder):
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file()
                  and not project._links_out(p))
