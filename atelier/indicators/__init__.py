"""Indicators for funders: targets, and results computed from the records."""
