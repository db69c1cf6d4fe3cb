"""API calls for the catalog area (see API.md)."""
