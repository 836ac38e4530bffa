"""The offline preview: run a Pulumi Python program on the mock runtime and report on it."""
