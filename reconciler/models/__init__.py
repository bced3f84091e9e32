"""Pydantic models and value objects: declarations, state, plan. No I/O here."""
