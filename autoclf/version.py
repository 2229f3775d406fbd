"""The version, on the bottom floor so that anything may read it without importing the package's top."""

__version__ = "0.1.0"  # keep equal to pyproject.toml's [project] version (tests/test_packaging.py checks)
"""autoclf's version, as in pyproject.toml (saved with every model: ``autoclf info`` shows it)."""
