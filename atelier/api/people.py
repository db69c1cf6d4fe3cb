"""API calls for the people area (see API.md)."""
