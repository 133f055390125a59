"""Domain models: frozen pydantic v2 types, no I/O."""
