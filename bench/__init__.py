"""Benchmark harness: synthetic data at several sizes, timings and query counts of named pages."""
