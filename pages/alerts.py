"""Alerts: the rules (added and removed here or with `python -m core alerts`), and the alerts they
fired, newest first, with their delivery and links to the articles behind each in the Reader."""
import datetime as dt

import streamlit as st

from core import languages
from core.alerts import rules
from core.analysis import filtering
from core.charts import tables
from core.store import alerts as store_alerts
from ui import article_columns, corpus, filters, whats_new

ALERTS_SHOWN = 50  # newest first; older ones stay in the store, the JSON Lines log and `alerts list`
ARTICLES_LISTED = 10  # links per alert; the rule's filters open the rest

st.title("Alerts")
data = corpus.current()
eng = corpus.engine()
fired = store_alerts.recent(eng, limit=ALERTS_SHOWN)
seen_before = st.session_state.get("_alerts_page_seen") or whats_new.seen_alerts_until()
st.session_state["_alerts_page_seen"] = seen_before
whats_new.mark_alerts_seen(fired[0].fired_at if fired else None)  # before the menu counts them
filters.selection(data, "Alerts")
st.caption("Rules are evaluated on the articles every ingest stores (files, uploads and followed sources), once "
           "their actors are found. Alerts are also appended to a JSON Lines log beside the store and sent to a "
           "webhook or by email when configured (docs/monitoring.md).")
labels = corpus.actor_labels(data)
kept = store_alerts.rules(eng)

alerts_tab, rules_tab = st.tabs([f"Fired alerts ({len(fired)})", f"Rules ({len(kept)})"])
with rules_tab:
    if kept:
        st.dataframe([{"id": rule.rule_id, "rule": rules.describe(rule, labels), "added": rule.created_at}
                      for rule in kept], hide_index=True, width="stretch")
        with st.form("remove_rule", border=False):
            gone = st.selectbox("Rule", [rule.rule_id for rule in kept], key="alert_remove",
                                format_func=lambda rule_id: next(r.name for r in kept if r.rule_id == rule_id))
            if st.form_submit_button("Remove the rule", icon=":material/delete:"):
                store_alerts.remove_rule(eng, str(gone))
                st.rerun()
    else:
        st.info("No rules yet: add one below.")
    st.subheader("Add a rule")
    with st.form("add_rule"):
        name = st.text_input("Name", max_chars=120, key="alert_name")
        kind = st.radio("Fire on", ["match", "spike"], horizontal=True, key="alert_kind",
                        format_func={"match": "new articles matching", "spike": "a spike in attention to an actor"}.get)
        actor_ids = list(data.actors["actor_id"])
        chosen = st.multiselect("Actors (a spike watches the first)", actor_ids, format_func=lambda a: labels.get(a, a),
                                placeholder="a name in any script", key="alert_actors")
        mode = st.radio("Articles naming", ["any", "all"], horizontal=True, format_func=filters.ACTOR_MODES.get, key="alert_mode")
        query = st.text_input("Text contains", placeholder='words, "a phrase", AND, OR, NOT', key="alert_text")
        sources = st.multiselect("Sources", sorted(data.articles["source"].dropna().unique()), key="alert_sources")
        langs = st.multiselect("Languages", sorted(data.articles["language"].dropna().unique()),
                               format_func=lambda code: f"{languages.language_name(code)} ({code})", key="alert_languages")
        countries = st.text_input("Countries of the source (ISO codes, comma-separated)", placeholder="RU, UA",
                                  help="The country the Sources registry gives an outlet; files ingested by hand have none.",
                                  key="alert_countries")
        webhook = st.text_input("Webhook URL (default: GEOWIRE_ALERT_WEBHOOK)", placeholder="https://…", key="alert_webhook")
        email = st.text_input("Email address (default: GEOWIRE_SMTP_TO)", key="alert_email")
        if st.form_submit_button("Add the rule", type="primary"):
            rule = store_alerts.Rule(
                name=name, kind=kind, actors=tuple(chosen[:1] if kind == "spike" else chosen), actor_mode=mode,
                query=query if kind == "match" else "", sources=tuple(sources) if kind == "match" else (),
                languages=tuple(langs) if kind == "match" else (),
                countries=tuple(c.strip().upper() for c in countries.split(",") if c.strip()) if kind == "match" else (),
                webhook=webhook.strip() or None, email=email.strip() or None)
            try:
                if rule.webhook and not rule.webhook.startswith(("http://", "https://")):
                    raise ValueError("the webhook needs an http:// or https:// address")
                rules.check(rule)
                added = store_alerts.add_rule(eng, rule, dt.datetime.now(dt.timezone.utc))
            except ValueError as err:
                st.error(str(err))
            else:
                st.success(f"Added: {rules.describe(added, labels)}")
                st.rerun()

with alerts_tab:
    if not fired:
        st.info("No alert has fired yet. Alerts fire on articles stored after their rule was added.")
    for alert in fired:
        fresh = seen_before is None or alert.fired_at > seen_before
        with st.container(border=True):
            # Only what the page writes goes through Markdown: a rule's name, the summary and a
            # receiver's error are the data's, and Markdown would make links of the URLs in them.
            st.markdown(f"{':red-badge[:material/fiber_new: new] ' if fresh else ''}**{alert.fired_at:%Y-%m-%d %H:%M} UTC** · "
                        f"{'a spike' if alert.kind == 'spike' else 'new articles'} · {len(alert.article_ids)} article(s)")
            st.text(f"Rule: {alert.rule_name}\n{alert.summary}")
            sent = [f"{d.channel} to {d.target}: {d.status}" + (f" after {d.attempts} attempt(s); last error: {d.last_error}"
                                                               if d.status != "sent" and d.last_error else "")
                    for d in alert.deliveries]
            st.text(" · ".join(sent) or "Not sent anywhere: no webhook or email is configured for it.")
            shown = article_columns.with_titles(data.articles[data.articles["article_id"].isin(alert.article_ids[:ARTICLES_LISTED])])
            for article in shown.itertuples():
                title = tables.plain(article.title) or "(no title)"
                st.page_link("pages/articles.py", label=f"{title} — {tables.plain(article.source)}",
                             query_params={"article": article.article_id}, icon=":material/article:")
            rule = next((r for r in kept if r.rule_id == alert.rule_id), None)
            stored = data.articles.loc[data.articles["article_id"].isin(alert.article_ids), "ingested_at"]
            if rule is not None and rule.kind == "match" and len(stored):
                # The rule's filters from the first of its articles' storing: its articles, and any
                # matching one stored since.
                first = stored.min().to_pydatetime().replace(microsecond=0) - dt.timedelta(seconds=1)
                params = filtering.Filters(actors=rule.actors, actor_match=rule.actor_mode, query=rule.query,
                                           sources=rule.sources, languages=rule.languages,
                                           stored_since=first).to_query_params()
                st.page_link("pages/articles.py", label=f"All {len(alert.article_ids)} in the Reader, with the rule's filters",
                             query_params=params, icon=":material/filter_alt:")
            elif rule is not None and alert.detail.get("day"):
                st.page_link("pages/articles.py", label=f"All {len(alert.article_ids)} in the Reader, that day",
                             query_params={"actor": rule.actors[0], "from": alert.detail["day"],
                                           "to": alert.detail["day"]}, icon=":material/filter_alt:")
