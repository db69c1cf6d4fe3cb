"""API calls for the indicators area (see API.md)."""
