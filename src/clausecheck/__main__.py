"""Run the command line as `python -m clausecheck`."""

from clausecheck.cli import main

# Guarded: processes started by "spawn" (Dask's workers among them) import this module again.
if __name__ == "__main__":
    main()
