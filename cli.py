"""Top-level entry: ``python cli.py ...`` is ``sufficiency ...``."""

from sufficiency.cli import main

if __name__ == "__main__":
    main()
