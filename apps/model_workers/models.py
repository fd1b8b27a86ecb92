"""Models of model workers and craftsmen."""
