"""Benchmark harness (`python bench/run.py`); not part of the shop. See bench/RESULTS.md."""
