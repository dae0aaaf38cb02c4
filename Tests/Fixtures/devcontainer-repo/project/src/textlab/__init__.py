"""Small language-model experiments."""
