"""Run the command line as `python -m clausecheck`."""

from clausecheck.cli import main

main()
