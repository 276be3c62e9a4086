"""Cleaning: raw source rows → validated, reconciled tidy tables in data/processed/."""
