"""`python -m sectornotes` runs the command line."""

from sectornotes.cli import main

main()
