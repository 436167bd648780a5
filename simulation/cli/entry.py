"""The ``welfare-abm`` console script (``[project.scripts]`` in ``pyproject.toml``)."""

from simulation.cli.main import main


def welfare_abm() -> int:
    """Run the command line as ``welfare-abm``; returns the exit status."""
    return main(prog="welfare-abm")
