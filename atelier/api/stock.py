"""API calls for the stock area (see API.md)."""
