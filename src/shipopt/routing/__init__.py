"""Vehicle routing for the own fleet: problem data, solvers, checker and instance formats."""
