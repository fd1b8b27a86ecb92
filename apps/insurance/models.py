"""Models of mutual medical insurance."""
