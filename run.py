#!/usr/bin/env python3
"""Launcher of the command line (``simulation.cli.main``); ``python run.py --help`` lists it all."""

import sys

from simulation.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
