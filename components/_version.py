"""The version of aiscale: the one place it is written (pyproject.toml reads it from here;
CHANGELOG.md names each release)."""

__version__ = "0.1.0"
