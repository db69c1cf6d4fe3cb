"""Workshops (courses), their sessions, and attendance."""
