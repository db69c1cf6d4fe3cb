"""API calls for workshops, sessions and attendance (see API.md)."""
