"""Models of labour and skill competitions."""
