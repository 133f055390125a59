"""Plan files: the day's inputs (orders, SKUs, warehouses), the plan folder and its charts, and
the sample day generator."""
