"""The `sectornotes` command line: a thin layer over the package's functions.

Exit codes: 0 ok, 1 check or build failed, 2 usage error. The verbs live in
authoring.py (init, check, claims, find, diff, schema), building.py (build,
serve, doctor, clean) and delivery.py (distribute, approve, records, verify);
this module is the group, its error handling and the console entry point.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ...errors import EXIT_FAILED, SectornotesError
from ...version import __version__
from . import authoring, building, delivery


class LibraryError(click.ClickException):
    """A library error as click shows it: its message and its exit code, no traceback."""

    def __init__(self, error: SectornotesError):
        super().__init__(str(error))
        self.exit_code = error.exit_code  # type: ignore[misc]  # click reads it per instance


class SectornotesGroup(click.Group):
    """The command group: library errors become click errors here, and only here."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except SectornotesError as error:
            raise LibraryError(error) from error
        except OSError as error:
            if not error.filename:
                raise
            # A file the system refused (read-only, not a folder, disk full): say which.
            raise click.ClickException(
                f"{error.filename}: {error.strerror or error}; check that the folder exists, "
                "is writable and has space") from error


@click.group(cls=SectornotesGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sectornotes")
@click.option("-C", "--project", "project_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Project folder (default: the one containing the working directory).")
@click.option("--debug", is_flag=True, help="Show Python tracebacks for errors.")
@click.pass_context
def cli(context: click.Context, project_dir: Path | None, debug: bool) -> None:
    """Build equity-research sector notes from verified claims.

    Claims live in seeds/*.yaml beside their source texts; `check` proves each
    one against its source. Exit codes: 0 ok, 1 check/build failed, 2 usage.
    """
    context.obj = {"project_dir": project_dir, "debug": debug}


for _verb in (authoring.init_command, authoring.check_command, authoring.claims_command,
              authoring.find_command, authoring.diff_command, authoring.schema_command,
              building.build_command, building.serve_command, building.doctor_command,
              building.clean_command, delivery.distribute_command, delivery.approve_command,
              delivery.records_group, delivery.verify_command):
    cli.add_command(_verb)


def main() -> None:
    """Console entry point: user errors without tracebacks unless --debug."""
    debug = "--debug" in sys.argv[1:]
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(EXIT_FAILED)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)

    except SystemExit:
        raise
    except Exception as error:  # a bug: keep the message short unless asked
        if debug:
            raise
        click.echo(f"internal error: {error!r} (run with --debug for the traceback)", err=True)
        sys.exit(EXIT_FAILED)


__all__ = ["cli", "main"]
