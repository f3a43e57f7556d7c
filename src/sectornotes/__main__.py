"""`python -m sectornotes` runs the command line."""

from .commands.cli import main

main()
