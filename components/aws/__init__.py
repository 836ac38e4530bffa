"""AWS builders: the only modules that import the AWS provider SDK (each imported lazily)."""
