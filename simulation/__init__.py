"""Welfare demand in Denmark to 2050 and the mobilisation of non-public actors.

An agent-based model on Mesa: a vectorised population of citizens with their demography and
needs, public units that pay for provision, associations, enterprises and online communities,
and the initiatives that a patchwork or a strategic approach to social innovation creates.
Start with :class:`simulation.model.WelfareModel` or :func:`simulation.runs.jobs.run_job`.
"""


def __getattr__(name: str) -> str:
    """``simulation.__version__``: the version from ``pyproject.toml`` (see ``cli.version``)."""
    if name == "__version__":
        from simulation.cli.version import version

        return version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
