"""The /missions routes, and /fleet for the whole fleet at once."""
