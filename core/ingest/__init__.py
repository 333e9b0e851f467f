"""Ingest: files, folders, globs and uploads in; cleaned, dated, language-tagged, fingerprinted
articles handed to ``core.store`` out."""
