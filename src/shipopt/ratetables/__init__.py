"""Rate tables: the file format, its loader and validator, and the registry of services."""
