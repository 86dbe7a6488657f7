"""A host package for the engine's multi-process tests."""
