"""GCP builders: the only modules that import the GCP provider SDK (each imported lazily)."""
