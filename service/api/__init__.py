"""HTTP API: app factory, routes, schemas and dependencies."""
