"""Coverage: the geometry of cleaning a zone, its lanes, the plan that covers it, the routes between
lanes, and the picture of what was covered. Plain functions over shapes, no database."""
