"""Packing: cartonization into a box catalog, palletization and 1D bin packing."""
