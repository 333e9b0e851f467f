"""Actor network: who is named with whom (edge weight = articles naming both), communities in
colour, node size by mentions; choosing a node filters every page to that actor."""
import streamlit as st

from core.analysis import cooccurrence, filtering, ranking
from core.charts import graph, tables
from ui import corpus, downloads, filters, layout, plotly_view, result_cache, view_state

data, selected = layout.open_page("Actor network", charts=True)

names = corpus.actor_names(data)
left, middle, right = st.columns(3)
min_weight = left.slider("Minimum articles naming both", 1, 20, **view_state.in_url("network_min_weight", 2, range(1, 21)))
types = middle.multiselect("Actor types", list(filtering.ACTOR_TYPES),
                           **view_state.in_url("network_types", [], filtering.ACTOR_TYPES))
ranked = result_cache.call(ranking.top_actors, selected, data.mentions, data.actors, limit=200, with_spellings=False)
ego = right.selectbox("Around one actor", [None] + list(ranked["actor_id"]),
                      **view_state.in_url("network_ego", None, [None] + list(ranked["actor_id"])),
                      format_func=lambda a: "all actors" if a is None else names.get(a, a))
network = result_cache.call(cooccurrence.cooccurrence_network, selected, data.mentions, data.actors,
                            min_weight=min_weight, ego=ego, types=tuple(types))
figure = result_cache.call(graph.network_chart, network, highlight=ego)


def _filter_to_clicked_node() -> None:
    # A callback: it runs before the rerun, while the filter bar's widgets may still be changed.
    clicked = plotly_view.clicked("network_chart")
    if clicked:
        filters.select_actor(clicked)


downloads.chart(figure, "network", key="network_chart", on_click=_filter_to_clicked_node)
st.caption("Click a node to filter every page to that actor.")

pick, apply = st.columns([3, 1], vertical_alignment="bottom")
choice = pick.selectbox("Filter every page to", [None] + list(network.nodes["actor_id"]), key="network_pick",
                        format_func=lambda a: "choose an actor in the network" if a is None else names.get(a, a))
apply.button("Filter to this actor", disabled=choice is None, on_click=filters.select_actor, args=(choice,),
          key="network_filter")

# Only the open tab's table is sent: the links of a large corpus are thousands of rows (400 KB
# at 100k articles) that every filter change would otherwise send to the browser.
# The tables follow the view: around one actor they list that actor's links and its neighbours
# by the articles naming them with it; the links among the neighbours only place them in the drawing.
links = network.view_edges()
centre = names.get(network.ego, network.ego) if network.ego is not None else None
nodes, edges = st.tabs(["Actors", "Links"], on_change="rerun",
                       **view_state.in_url("network_table_tab", "Actors", ["Actors", "Links"]))
if nodes.open:
    # numbered from 1, as the chart's legend names them ("Community 1" is the largest)
    actors = network.nodes.assign(community=network.nodes["community"] + 1)
    columns = ["name", "type", "articles", "mentions", "degree", "community", "spellings"]
    if centre:
        actors = actors.sort_values(["with_ego", "mentions"], ascending=False).rename(columns={"with_ego": f"with {centre}"})
        columns.insert(2, f"with {centre}")
    nodes.dataframe(actors[columns], hide_index=True, width="stretch")
if edges.open:
    if centre:
        edges.caption(tables.plain(f"{centre}'s links only: the actors named with {centre} in at least {min_weight} "
                                   f"article{'s' * (min_weight != 1)}."))
    edges.dataframe(links[["source_name", "target_name", "weight"]].rename(
        columns={"source_name": "actor", "target_name": "named with", "weight": "articles"}), hide_index=True, width="stretch")
downloads.data_downloads(links, "network-links", filters.current_filters())
