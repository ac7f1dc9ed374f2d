"""Benchmarks of the bot against floors measured in the same run: ``python benchmarks/run.py`` (README.md)."""
