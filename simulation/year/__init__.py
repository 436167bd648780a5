"""The steps of a simulated year, one module each, in the order the model runs them."""
