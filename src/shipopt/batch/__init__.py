"""Batch planning: inputs, sample data and (to come) the day's plan."""
