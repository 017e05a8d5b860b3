"""Metrics for Prometheus: the app's own registry (model), what is timed as it happens (watchers,
http), what is read from memory at each scrape (collector), and GET /metrics (routes)."""
