"""Application services: load what a use case needs, call the domain, persist atomically."""
