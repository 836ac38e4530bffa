"""Azure builders: the only modules that import the Azure provider SDK (each imported lazily)."""
