"""Generators of the documents in ``docs/`` that are computed from the data and the model."""
