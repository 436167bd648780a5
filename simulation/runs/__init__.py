"""Running scenarios and replicates, results folders and provenance."""
