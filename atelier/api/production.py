"""API calls for the production area (see API.md)."""
