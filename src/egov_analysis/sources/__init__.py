"""Readers of publishers' formats that write the project's raw source-row files (`data/raw/`)."""
