"""The missions' table and API schemas, and the requests that create missions."""
