"""Which actors are named in the same articles (``cooccurrence_network``): nodes, links, the
backbone a chart draws, and communities."""
from __future__ import annotations

import dataclasses

import networkx as nx
import numpy as np
import pandas as pd
from scipy import sparse

from core import schema
from core.analysis import _shared, mention_index

NETWORK_MAX_ACTORS = 150  # a network drawn with more nodes is unreadable in a report
# On a large corpus nearly every pair of the top actors is linked (10,927 links among 150 actors
# at 100k articles), which draws as a grey disc and took the browser 4 s. Over this many links the
# network keeps a backbone: each actor's heaviest few links (every actor keeps its strongest
# ties, so none is flung out of the layout). The chart draws it and the communities are found in
# it, so that the colours follow the links the reader sees; Louvain over every link also took
# 0.1-0.2 s a selection. The tables and the data download keep every link.
NETWORK_MAX_DRAWN_LINKS = 400
NETWORK_LINKS_PER_ACTOR = 3
SEED = 7  # fixed, so the communities of one selection are the same on every run


@dataclasses.dataclass
class Network:
    """The co-occurrence network: ``graph`` (networkx, node attributes = the node columns, edge
    attribute ``weight``), ``nodes`` and ``edges`` as frames for tables and charts; ``view_edges``
    the links a table of this view lists."""

    graph: nx.Graph
    nodes: pd.DataFrame
    edges: pd.DataFrame  # every link among the nodes (around one actor, its neighbours' links too)
    backbone: pd.DataFrame  # the links drawn and grouped into communities (see NETWORK_MAX_DRAWN_LINKS)
    links_per_actor: int  # how many strongest links each actor keeps in the backbone when it is cut
    ego: str | None = None  # the actor the network is drawn around, when it is in the network

    def view_edges(self) -> pd.DataFrame:
        """The links this view is about, heaviest first: around one actor only that actor's own,
        the actor as their ``source`` (the links among its neighbours place them in the drawing,
        but a table of "Iran's links" that lists Russia-Ukraine misleads), else every link."""
        if self.ego is None:
            return self.edges
        edges = self.edges[((self.edges["source"] == self.ego) | (self.edges["target"] == self.ego)).to_numpy(dtype=bool)]
        # the ego always as the source: a table then reads "Iran | named with | articles"
        turned = (edges["target"] == self.ego).to_numpy(dtype=bool)
        swapped = edges.copy()
        for one, other in (("source", "target"), ("source_name", "target_name")):
            swapped.loc[turned, [one, other]] = edges.loc[turned, [other, one]].to_numpy()
        return swapped.reset_index(drop=True)


def cooccurrence_network(articles: pd.DataFrame, mentions: pd.DataFrame, actors: pd.DataFrame, min_weight: int = 1,
                         ego: str | None = None, types: tuple[str, ...] = (),
                         max_actors: int = NETWORK_MAX_ACTORS) -> Network:
    """Which actors are named in the same articles, and how often.

    Needs: articles[article_id]; mentions[article_id, actor_id, surface]; actors[actor_id, name, type].
    Edge weight = number of these articles that mention both actors; edges lighter than
    ``min_weight`` are dropped, then actors left without an edge. ``ego`` keeps that actor and its
    neighbours (and the edges among them). Only the ``max_actors`` actors named in the most
    articles are kept (the ego always is). ``types`` keeps actors of those types.
    Returns Network with nodes[actor_id, name, type, articles (int), mentions (int, counting
    ``occurrences``), degree (int), weighted_degree (int), community (int, 0 = largest; Louvain,
    fixed seed), spellings (str), with_ego (Int64: articles naming the actor and the ego, the ego's
    own articles for the ego; <NA> without an ego)]
    and edges[source, target, weight (int), source_name, target_name], heaviest first. Around an
    ego the backbone holds every link of the ego (they are what the view is about) besides the
    strongest among its neighbours, and ``Network.ego`` is set when the ego has a link.
    """
    schema.require_columns(actors, ("actor_id", "name", "type"), stage=_shared.STAGE)
    schema.require_columns(mentions, ("article_id", "actor_id", "surface"), stage=_shared.STAGE)
    index = mention_index.of(mentions)
    pairs = _shared.selected_pairs(index, articles, actors, types)
    per_actor, mentions_per_actor = _shared.counts_by_actor(index, pairs)
    candidates = per_actor > 0
    ego_code = -1
    if ego is not None:
        ego_code = int(mention_index.positions(pd.Series([ego], dtype="string"), index.actors)[0])
        with_ego = np.zeros(len(index.articles), dtype=bool)
        with_ego[index.pair_article[pairs & (index.pair_actor == ego_code)]] = True
        neighbourhood = np.zeros(len(index.actors), dtype=bool)
        neighbourhood[index.pair_actor[pairs & with_ego[index.pair_article]]] = True
        candidates &= neighbourhood
    ranked = np.flatnonzero(candidates)
    ranked = ranked[np.argsort(-per_actor[ranked], kind="stable")]  # ties in id order: the codes are sorted
    chosen = np.zeros(len(index.actors), dtype=bool)
    chosen[ranked[:max_actors]] = True
    if ego_code >= 0 and candidates[ego_code]:
        chosen[ego_code] = True
    kept = pairs & chosen[index.pair_actor]
    # Edge weights as one sparse product of the article x actor incidence matrix: the self-merge
    # of (article, actor) pairs it replaces grew with the square of the actors per article.
    incidence = sparse.csr_matrix((np.ones(int(kept.sum()), dtype=np.int32),
                                   (index.pair_article[kept], index.pair_actor[kept])),
                                  shape=(len(index.articles), len(index.actors)))
    together = sparse.triu(incidence.T @ incidence, k=1).tocoo()  # codes sorted: source id < target id
    heavy = together.data >= min_weight
    # Links stay actor codes until the frames are built: sorting, mapping and grouping 10k links
    # by their Arrow string ids took most of the network's time at 100k articles.
    source, target, weight = together.row[heavy], together.col[heavy], together.data[heavy].astype(np.int64)
    if ego_code >= 0:
        near = np.zeros(len(index.actors), dtype=bool)
        touches = (source == ego_code) | (target == ego_code)
        near[source[touches]], near[target[touches]] = True, True
        inside = near[source] & near[target]
        source, target, weight = source[inside], target[inside], weight[inside]
    order = np.lexsort((target, source, -weight))  # heaviest first, then by ids (codes sort as ids)
    source, target, weight = source[order], target[order], weight[order]
    node_codes = np.union1d(source, target)
    drawn = _backbone(source, target, weight, per_actor)
    if ego_code >= 0:
        drawn = np.union1d(drawn, np.flatnonzero((source == ego_code) | (target == ego_code)))
    graph = nx.Graph()
    graph.add_nodes_from(index.actors[node_codes].tolist())
    # lists first: iterating Arrow-backed columns row by row converts each value on its own
    graph.add_weighted_edges_from(zip(index.actors[source].tolist(), index.actors[target].tolist(), weight.tolist()))
    strongest = nx.Graph()
    strongest.add_weighted_edges_from(zip(index.actors[source[drawn]].tolist(), index.actors[target[drawn]].tolist(),
                                          weight[drawn].tolist()))
    communities = nx.community.louvain_communities(strongest, weight="weight", seed=SEED) if len(node_codes) else []
    community = {node: rank for rank, members in enumerate(sorted(communities, key=lambda c: (-len(c), min(c))))
                 for node in members}
    node_ids = index.actors[node_codes]
    info = actors.drop_duplicates("actor_id").set_index("actor_id")
    nodes = pd.DataFrame({"actor_id": pd.Series(node_ids, dtype="string")})
    nodes["name"] = nodes["actor_id"].map(info["name"]).fillna(nodes["actor_id"])
    nodes["type"] = nodes["actor_id"].map(info["type"])
    nodes["articles"] = per_actor[node_codes]
    nodes["mentions"] = mentions_per_actor[node_codes]
    ends = np.concatenate([source, target])
    nodes["degree"] = np.bincount(ends, minlength=len(index.actors))[node_codes]
    nodes["weighted_degree"] = np.bincount(ends, weights=np.concatenate([weight, weight]),
                                           minlength=len(index.actors))[node_codes].astype(np.int64)
    nodes["community"] = [community.get(n, 0) for n in node_ids]
    with_ego = np.zeros(len(index.actors), dtype=np.int64)
    if ego_code >= 0:
        touches = (source == ego_code) | (target == ego_code)
        with_ego[source[touches]], with_ego[target[touches]] = weight[touches], weight[touches]
        with_ego[ego_code] = per_actor[ego_code]
    nodes["with_ego"] = pd.array(with_ego[node_codes], dtype="Int64") if ego_code >= 0 else pd.NA
    written = index.spellings(_shared.mention_mask(index, pairs, node_codes), 6)
    nodes["spellings"] = nodes["actor_id"].map(written).fillna("")
    nodes = nodes.astype({"articles": "int64", "mentions": "int64", "degree": "int64", "weighted_degree": "int64",
                          "community": "int64", "with_ego": "Int64"})
    for row in nodes.itertuples(index=False):
        graph.nodes[row.actor_id].update(row._asdict())
    name_of = np.full(len(index.actors), None, dtype=object)
    name_of[node_codes] = nodes["name"].to_numpy(dtype=object)
    nodes = nodes.sort_values(["mentions", "actor_id"], ascending=[False, True]).reset_index(drop=True)

    def links(keep) -> pd.DataFrame:
        return pd.DataFrame({"source": index.actors[source[keep]], "target": index.actors[target[keep]],
                             "weight": weight[keep],
                             "source_name": name_of[source[keep]], "target_name": name_of[target[keep]]},
                            ).astype({"source_name": nodes["name"].dtype, "target_name": nodes["name"].dtype})
    centre = ego if ego_code >= 0 and ego_code in set(node_codes.tolist()) else None
    return Network(graph=graph, nodes=nodes, edges=links(slice(None)), backbone=links(drawn),
                   links_per_actor=NETWORK_LINKS_PER_ACTOR, ego=centre)


def _backbone(source: np.ndarray, target: np.ndarray, weight: np.ndarray, articles: np.ndarray) -> np.ndarray:
    """Positions of the links to draw: all of them when they are few, else each actor's
    NETWORK_LINKS_PER_ACTOR strongest, by the cosine of the two actors' ``articles`` (shared /
    sqrt(product)): by raw counts every actor's strongest links would go to the two or three actors
    named everywhere, drawing a star. Links are given heaviest first, as codes."""
    if len(weight) <= NETWORK_MAX_DRAWN_LINKS:
        return np.arange(len(weight))
    strength = weight / (articles[source].astype(float) * articles[target]) ** 0.5
    actor, link = np.concatenate([source, target]), np.tile(np.arange(len(weight)), 2)
    order = np.lexsort((link, -np.tile(strength, 2), actor))  # per actor, strongest first, ties by link
    actor, link = actor[order], link[order]
    return np.unique(link[mention_index.rank_in_runs(actor) < NETWORK_LINKS_PER_ACTOR])
