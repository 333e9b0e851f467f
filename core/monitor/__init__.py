"""Monitoring: the sources a user follows, and the watcher that polls them.

Takes the registry of followed outlets and feeds (the store's ``sources`` table) and the web;
gives new articles, handed to ``core.pipeline`` like any other input, and each source's health.
It sits above the pipeline, beside the CLI: the CLI, the pages and ``python -m core watch`` call
it, and it calls the pipeline; no stage imports it.
"""
