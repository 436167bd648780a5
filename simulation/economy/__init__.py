"""The economic account: budget results by payer, present values and payback.

The model books every public cost by payer (:mod:`simulation.year.provision`); this package
holds the calculations made on top of them, as the Danish public budget account (SØM) does.
"""
