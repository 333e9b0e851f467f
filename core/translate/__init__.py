"""Translation of the stored articles, through the translation memory (docstring completed below)."""
