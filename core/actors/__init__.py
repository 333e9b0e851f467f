"""Actors: who the articles name, and the days they mention (docstring completed with the split)."""
