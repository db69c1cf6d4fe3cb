"""Benchmarks, data generator and load test (``make bench``)."""
