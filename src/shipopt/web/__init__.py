"""The planner's web page: one page (``static/``) showing a plan's overview, orders, routes
and boxes, served by ``shipopt serve`` at ``/app`` or written as a self-contained report."""
