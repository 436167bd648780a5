"""What the model reads: data files with sources, the projection, geography and the registry."""
