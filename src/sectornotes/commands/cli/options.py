"""What every verb shares: the project the group's options name, and output formats."""

from __future__ import annotations

import click

from ...inputs.project import Project

FORMATS = click.Choice(["text", "json"])


def project_of(context: click.Context) -> Project:
    """The project `-C/--project` names, or the one containing the working directory."""
    return Project.find(context.obj["project_dir"])
