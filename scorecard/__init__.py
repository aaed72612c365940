"""Scorecard Warehouse: fair, defensible performance scorecards for commercial staff."""

__version__ = "0.1.0"
