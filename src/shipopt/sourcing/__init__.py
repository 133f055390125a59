"""Sourcing: which warehouse ships which order lines (nearest stock, or least estimated cost
under the day's inventory)."""
