"""Serving: the FastAPI app (native API, Altmetric-v1-compatible API, badges, pages)."""
