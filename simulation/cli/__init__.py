"""The command line: ``run.py``, ``python -m simulation`` and the ``welfare-abm`` script."""
