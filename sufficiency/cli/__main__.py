"""``python -m sufficiency.cli ...`` is ``sufficiency ...`` (as ``python cli.py ...`` is): a
Wolverhampton trial ran the CLI this way from a clone without the console script installed,
and was told "'sufficiency.cli' is a package and cannot be directly executed"."""

from . import main

if __name__ == "__main__":
    main()
