"""Benchmarks; run them as modules from the project root, e.g. ``python -m bench.faq_quality``."""
