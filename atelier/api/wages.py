"""API calls for the wages area (see API.md)."""
