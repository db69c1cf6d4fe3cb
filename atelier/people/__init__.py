"""Beneficiaries: the people the atelier serves."""
