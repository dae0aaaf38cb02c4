"""robokit."""
