"""Orchestration: each step a plain function call, no business rules."""
