"""``python -m aiscale`` runs the command line."""

from aiscale.cli import main

main()
