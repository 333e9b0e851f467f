"""Alerts: rules over the articles the pipeline has just stored, and their delivery.

Takes the store's newly stored articles with their actors (after extraction), the alert rules and
the recent attention each actor had; gives fired alerts kept in the store, appended to a JSON
Lines log and delivered (a webhook, email). It is a stage: ``core.pipeline`` runs it after
extraction for every ingest, from files or from the watcher, so an alert fires whichever way the
articles came in.
"""
