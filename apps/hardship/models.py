"""Models of hardship households."""
