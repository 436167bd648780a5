"""The exceptions that mean a user's mistake (reported in one line, exit status 1)."""

from __future__ import annotations

__all__ = ["user_errors"]


def user_errors() -> tuple[type[BaseException], ...]:
    """Exception classes raised for bad input.

    Scenario, sweep and place errors, results folders that exist already, and paths or names
    refused by :mod:`simulation.safe_paths`.
    """
    from simulation.experiments.sweep_errors import SensitivityError, SweepError, SweepFileError
    from simulation.input_checks import CommandLineError
    from simulation.inputs.places import PlaceError
    from simulation.safe_paths import UnsafePath
    from simulation.scenario import ScenarioError

    return (
        ScenarioError,
        PlaceError,
        SweepFileError,
        SweepError,
        SensitivityError,
        FileExistsError,
        FileNotFoundError,
        UnsafePath,
        CommandLineError,
    )
