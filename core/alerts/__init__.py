"""Alerts: rules over the articles the pipeline has just stored, and their delivery.

Takes the store's newly stored articles with their actors (after extraction), the alert rules and
the recent attention each actor had; gives fired alerts kept in the store, appended to a JSON
Lines log and delivered (a webhook, email). It is a stage: ``core.pipeline`` runs it after
extraction for every ingest, from files or from the watcher, so an alert fires whichever way the
articles came in.

- ``stage``: ``run``, what the pipeline calls: the articles stored since the watermark (in pages),
  every rule evaluated, alerts recorded and appended to the log, deliveries made.
- ``rules``: which articles a rule matches (``matching``: actors any or all, text, sources,
  languages, countries), a rule checked before it is stored (``check``), a rule in one line.
- ``spikes``: attention to an actor against its own baseline (median and MAD of its daily counts).
- ``delivery``: the webhook's JSON body (``payload``), the webhook and SMTP sends with their
  retries, and the pending deliveries tried again (``deliver``).
"""
