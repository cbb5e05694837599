"""``python -m sufficiency``."""

from sufficiency.cli import main

main()
