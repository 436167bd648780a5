"""The exceptions that mean a user's mistake (reported in one line, exit status 1)."""

from __future__ import annotations

__all__ = ["user_errors"]


def user_errors() -> tuple[type[BaseException], ...]:
    """Exception classes raised for bad input.

    Scenario, sweep and place errors, and results folders that exist already.
    """
    from simulation.experiments.sweep_errors import SensitivityError, SweepError, SweepFileError
    from simulation.inputs.places import PlaceError
    from simulation.scenario import ScenarioError

    return (
        ScenarioError,
        PlaceError,
        SweepFileError,
        SweepError,
        SensitivityError,
        FileExistsError,
        FileNotFoundError,
    )
