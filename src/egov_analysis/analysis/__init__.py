"""Analysis: plain functions from tidy frames to tidy frames (rankings, phases, relationships)."""
