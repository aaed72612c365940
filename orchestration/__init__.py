"""Dagster orchestration of the Scorecard Warehouse (see orchestration/README.md)."""
