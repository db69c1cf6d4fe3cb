"""API calls for the till area (see API.md)."""
