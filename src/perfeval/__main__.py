"""``python -m perfeval``: the command line, for machines where the ``perfeval`` script is not on PATH (Windows)."""

from perfeval.cli import main

if __name__ == "__main__":
    main(prog_name="perfeval")
