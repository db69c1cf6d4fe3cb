"""API calls for the webshop area (see API.md)."""
