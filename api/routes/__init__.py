"""One router per resource: quotes, pack, routes, plans, services, health."""
