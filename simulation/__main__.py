"""``python -m simulation``: the command line of ``run.py`` and ``welfare-abm``."""

import sys

from simulation.cli.main import main

if __name__ == "__main__":
    sys.exit(main(prog="python -m simulation"))
