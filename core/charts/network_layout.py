"""Where the co-occurrence network's nodes and names go (``place``), in the pixels of the plot
area the chart is drawn for: a spring layout for the whole network, a radial one around a chosen
actor, pushed apart until no marker covers another (``overlapping_pairs`` checks it) and moved
aside to make room for the names that matter most; each name beside its node where it covers no
other name and no marker (``label_positions``, ``label_boxes``)."""
from __future__ import annotations

import dataclasses
import math

import networkx as nx
import numpy as np

# The plot area the network is laid out in, in CSS pixels: about the smallest it gets in use. With
# its legend under it, the dashboard gives it 920 x 524 in a 1400-px-wide window, 800 x 524 at
# 1280 px and 620 x 494 at 1100 px (the sidebar and the chart's narrow margins taken off); a
# report-wide export (1200 x 700) about 1180 x 550. The axes span exactly this box with one scale
# on both, so Plotly draws one unit as at least one pixel in all of these: markers, sized in
# pixels, that are apart here are apart on screen and in every export, and names, written in
# pixels, that clear each other here clear each other there. (640 px wide, the 1100-px window drew
# it at 0.97 and two names that cleared a marker here by a pixel covered it there.)
PLOT_PX = (620, 480)
GAP_PX = 3.0  # between two markers' edges: their white outlines touch at 0
LAYOUT_SEED = 7  # fixed, so one selection always draws the same picture
# Around one actor: its neighbours lie between these fractions of the half-box from the centre,
# the actor named with the centre most often nearest. The inner one leaves the centre's marker
# and name room.
RING_INNER, RING_OUTER = 0.36, 0.97
_SEPARATION_ROUNDS = 400
LABEL_FONT_PX = 11
CENTRE_SYMBOL = "star"  # the actor a network is drawn around
# Plotly draws a star of size d with its points 1.4 x d / 2 from its centre (plotly.js
# symbol_defs "star": a = r * 1.4), and sets a name beside it as beside a circle of size d.
CENTRE_REACH = 1.4
# Names the layout keeps room for (the first of those asked, the most important): each node of
# these moves together with a box for its name, which no other marker or kept box may enter. The
# other names are written only where there is room already.
ROOM_NAMES = 24


@dataclasses.dataclass
class Placement:
    """Where each node is (``points``, n x 2 pixels of PLOT_PX, in the order of the actors asked,
    y up) and on which side of its node each name written is (``sides``: actor -> a Plotly
    ``textposition``; names left out are not in it)."""

    points: np.ndarray
    sides: dict


def place(actors: list, links: list, diameters: np.ndarray, named: list, fonts: dict | None = None,
          centre: str | None = None, closeness: np.ndarray | None = None) -> Placement:
    """The nodes laid out (``node_positions``), then parted again with room kept for the first
    ROOM_NAMES names of ``named`` ((actor, name), most important first; ``fonts``: actor -> font
    px where not LABEL_FONT_PX): a box above each such node (below it in the lower half of the
    chart, where names point outwards) that moves with it. Then every name is given the first
    free side of its node (``label_positions``); one without a free side is left out (its node
    names it on hover)."""
    fixed = np.array([a == centre for a in actors], dtype=bool)
    # what each marker covers: the centre's star reaches past its size (see CENTRE_REACH)
    reach = np.asarray(diameters, dtype=float) / 2 * np.where(fixed, CENTRE_REACH, 1.0)
    points = node_positions(actors, links, 2 * reach, centre, closeness)
    sizes_px = dict(zip(actors, np.asarray(diameters, dtype=float)))
    at = {actor: i for i, actor in enumerate(actors)}
    boxes, kept = np.full((len(actors), 4), np.nan), {}
    for actor, name in named[:ROOM_NAMES]:
        i = at[actor]
        kept[actor] = "top center" if actor == centre or points[i, 1] >= PLOT_PX[1] / 2 else "bottom center"
        # the box's offsets from its node: label_boxes of the node placed at (0, 0)
        boxes[i] = label_boxes({actor: (0.0, 0.0)}, sizes_px, [(actor, name, kept[actor])], fonts)[0]
    points = _separate(points, reach, fixed, boxes)
    return Placement(points=points, sides=label_positions(dict(zip(actors, points)), sizes_px, named, fonts, kept,
                                                          dict(zip(actors, reach))))


def node_positions(actors: list, links: list, diameters: np.ndarray, centre: str | None = None,
                   closeness: np.ndarray | None = None) -> np.ndarray:
    """(x, y) in pixels of PLOT_PX for each of ``actors`` (n x 2), y upwards.

    ``links`` are (source, target, weight) of the links drawn, ``diameters`` each node's marker
    in pixels. Without ``centre``: a spring layout on log weights (raw counts, 1 to hundreds,
    pull the most-named actors into one knot), turned so its widest extent lies along x and
    stretched to the box. With it: the centre in the middle and every other actor around it, the
    higher its ``closeness`` (articles naming it with the centre) the nearer, in the angular
    order of a spring layout of the links among them (actors named together stay side by side).
    Then markers are pushed apart until each is GAP_PX clear of every other (``_separate``).
    """
    radii = np.asarray(diameters, dtype=float) / 2
    if len(actors) == 0:
        return np.empty((0, 2))
    graph = nx.Graph()
    graph.add_nodes_from(actors)
    graph.add_weighted_edges_from((s, t, math.log1p(w)) for s, t, w in links if centre not in (s, t))
    fixed = np.zeros(len(actors), dtype=bool)
    if centre is None:
        spring = nx.spring_layout(graph, seed=LAYOUT_SEED, weight="weight", k=1.5 / math.sqrt(len(actors)))
        points = _fill_box(_widest_along_x(np.array([spring[a] for a in actors], dtype=float)), radii)
    else:
        points = _around(graph, actors, centre, np.asarray(closeness, dtype=float))
        fixed[actors.index(centre)] = True
    return _separate(points, radii, fixed)


def overlapping_pairs(points: np.ndarray, diameters: np.ndarray, gap: float = 0.0) -> list:
    """(i, j) of the markers closer than their radii and ``gap`` together."""
    radii = np.asarray(diameters, dtype=float) / 2
    apart = np.hypot(*(points[:, None, :] - points[None, :, :]).transpose(2, 0, 1))
    close = apart < radii[:, None] + radii[None, :] + gap - 1e-6
    return [(int(i), int(j)) for i, j in zip(*np.nonzero(np.triu(close, k=1)))]


def _around(graph: nx.Graph, actors: list, centre: str, closeness: np.ndarray) -> np.ndarray:
    """The centre in the middle of the box, the others on an ellipse filling it: evenly spaced
    angles (a spring layout's angles bunch a community into one side), in the order of their
    angles in a spring layout without the centre, and the closer the more articles they share
    with the centre (log scale: 2 and 4 differ as much as 20 and 40)."""
    width, height = PLOT_PX
    points = np.tile([width / 2, height / 2], (len(actors), 1)).astype(float)
    others = [a for a in actors if a != centre]
    if not others:
        return points
    spring = nx.spring_layout(graph.subgraph(others), seed=LAYOUT_SEED, weight="weight",
                              k=1.5 / math.sqrt(len(others)))
    at = np.array([spring[a] for a in others], dtype=float)
    at -= at.mean(axis=0)
    order = np.argsort(np.arctan2(at[:, 1], at[:, 0]), kind="stable")
    angle = np.empty(len(others))
    angle[order] = 2 * np.pi * np.arange(len(others)) / len(others)
    where = np.array([actors.index(a) for a in others])
    shared = np.log(np.maximum(closeness[where], 1))
    spread = shared.max() - shared.min()
    near = (shared - shared.min()) / spread if spread > 0 else np.ones(len(others))
    reach = RING_INNER + (RING_OUTER - RING_INNER) * (1 - near)
    points[where, 0] += reach * (width / 2) * np.cos(angle)
    points[where, 1] += reach * (height / 2) * np.sin(angle)
    return points


def _fill_box(points: np.ndarray, radii: np.ndarray) -> np.ndarray:
    """``points`` moved and scaled to fill PLOT_PX, a marker's radius in from each edge. x and y
    may be scaled differently, by at most half as much again: a turned spring layout is 1.2 to 2
    times as wide as high, and a uniform scale left a band of the box empty."""
    width, height = PLOT_PX
    pad = radii.max() + GAP_PX
    low, span = points.min(axis=0), np.maximum(np.ptp(points, axis=0), 1e-9)
    scale = np.array([(width - 2 * pad) / span[0], (height - 2 * pad) / span[1]])
    scale = np.minimum(scale, 1.5 * scale.min())
    placed = (points - low) * scale
    return placed + (np.array([width, height]) - placed.max(axis=0)) / 2


def _separate(points: np.ndarray, radii: np.ndarray, fixed: np.ndarray, boxes: np.ndarray | None = None) -> np.ndarray:
    """``points`` pushed apart until no two markers come within GAP_PX of each other, all kept
    inside PLOT_PX; ``fixed`` ones do not move. ``boxes`` (n x 4: left, bottom, right, top from
    the node; NaN for none) are names' boxes that move with their nodes: no other marker or box
    may come within GAP_PX of one either, and they stay inside PLOT_PX too.

    networkx's layouts know nothing of marker sizes in pixels (forceatlas2's ``node_size`` is in
    layout units, before the layout is scaled to a chart) nor of names, hence this pass: each
    round, every pair of shapes that overlap moves apart by the shortest way (discs along the
    line joining them, a box and what is in it along x or y), each side by half the overlap (all
    of it when the other side is fixed)."""
    points = points.astype(float).copy()
    n = len(points)
    if n < 2:
        return points
    boxes = np.full((n, 4), np.nan) if boxes is None else boxes
    named = np.flatnonzero(~np.isnan(boxes[:, 0]))
    reach_low = np.minimum(-radii[:, None], np.nan_to_num(boxes[:, :2], nan=0.0))
    reach_high = np.maximum(radii[:, None], np.nan_to_num(boxes[:, 2:], nan=0.0))
    low, high = -reach_low, np.array(PLOT_PX, dtype=float) - reach_high
    high = np.maximum(high, low)
    mobile = (~fixed).astype(float)
    share = mobile[:, None] / np.maximum(mobile[:, None] + mobile[None, :], 1)  # [i, j]: i's part of a move apart
    need = radii[:, None] + radii[None, :] + GAP_PX
    np.fill_diagonal(need, 0)
    own = named[:, None] == np.arange(n)[None, :]
    for _ in range(_SEPARATION_ROUNDS):
        apart = points[:, None, :] - points[None, :, :]
        distance = np.hypot(apart[..., 0], apart[..., 1])
        # only the few pairs too close are moved: directions for all n x n pairs took most of the time
        i, j = np.nonzero(need - distance > 0)
        short = (need - distance)[i, j]
        # markers on the same spot have no direction between them: they part along an angle that
        # differs for every pair (the golden angle), opposite for its two ends
        angle = (np.minimum(i, j) * n + np.maximum(i, j)) * 2.399963
        stuck = np.sign(i - j)[:, None] * np.stack([np.cos(angle), np.sin(angle)], axis=-1)
        direction = np.where((distance[i, j] > 1e-9)[:, None], apart[i, j] / np.maximum(distance[i, j], 1e-9)[:, None], stuck)
        push = np.zeros_like(points)
        np.add.at(push, i, (short * share[i, j])[:, None] * direction)
        worst = short.max(initial=0)
        if len(named):
            placed = np.concatenate([points[named] + boxes[named, :2], points[named] + boxes[named, 2:]], axis=1)
            # a box (k) and the markers (n) in it: the marker leaves, the box's node gives way
            out = np.where(own[..., None], 0.0, _out_of_boxes(placed, points[named], points, radii + GAP_PX))
            push += (out * share.T[named][..., None]).sum(axis=0)
            push[named] -= (out * share[named][..., None]).sum(axis=1)
            # two boxes: the later leaves the earlier, each by its share
            apart_boxes = np.triu(np.ones((len(named), len(named)), dtype=bool), k=1)[..., None] * _boxes_apart(placed)
            push[named] += (apart_boxes * share[np.ix_(named, named)].T[..., None]).sum(axis=0)
            push[named] -= (apart_boxes * share[np.ix_(named, named)][..., None]).sum(axis=1)
            worst = max(worst, np.abs(out).max(initial=0), np.abs(apart_boxes).max(initial=0))
        # done when every pair is at least half the gap clear: pushing on to the last hundredth
        # of a pixel took hundreds of rounds in a crowded network
        if worst <= GAP_PX / 2:
            break
        # a little over the overlap, so that pairs do not creep towards it for many rounds
        points += 1.05 * push
        points = np.where(fixed[:, None], points, np.clip(points, low, high))
    return points


def _out_of_boxes(boxes: np.ndarray, owners: np.ndarray, centres: np.ndarray, reach: np.ndarray) -> np.ndarray:
    """k x n x 2: how far each disc (``centres``, radius ``reach``) must move to leave each of
    ``boxes`` (k x 4, the names of the nodes at ``owners``, k x 2), the shortest way; zero for a
    disc clear of it."""
    nearest = np.stack([np.clip(centres[None, :, 0], boxes[:, None, 0], boxes[:, None, 2]),
                        np.clip(centres[None, :, 1], boxes[:, None, 1], boxes[:, None, 3])], axis=-1)
    away = centres[None, :, :] - nearest
    distance = np.hypot(away[..., 0], away[..., 1])
    outside = away * ((reach[None, :] - distance) / np.maximum(distance, 1e-9))[..., None]
    outside = np.where((distance < reach[None, :])[..., None], outside, 0.0)
    # a centre inside the box: out through the nearest edge
    edges = np.stack([boxes[:, None, 0] - reach[None, :] - centres[None, :, 0], boxes[:, None, 2] + reach[None, :] - centres[None, :, 0],
                      boxes[:, None, 1] - reach[None, :] - centres[None, :, 1], boxes[:, None, 3] + reach[None, :] - centres[None, :, 1]], axis=-1)
    # not through the edge facing the box's own node, where the disc would only meet that node
    # (and, both names above their nodes, two neighbours swapped places round after round)
    facing = np.where(owners[:, 1] < boxes[:, 1], 2, np.where(owners[:, 1] > boxes[:, 3], 3, -1))
    edges = np.where(np.arange(4)[None, None, :] == facing[:, None, None], np.inf, edges)
    shortest = np.argmin(np.abs(edges), axis=-1)
    step = np.take_along_axis(edges, shortest[..., None], axis=-1)[..., 0]
    inside = np.stack([np.where(shortest < 2, step, 0.0), np.where(shortest >= 2, step, 0.0)], axis=-1)
    return np.where((distance <= 1e-9)[..., None], inside, outside)


def _boxes_apart(boxes: np.ndarray) -> np.ndarray:
    """k x k x 2: how far box j must move to leave box i (GAP_PX clear), along x or y, whichever
    is shorter; zero for boxes apart."""
    wide = np.minimum(boxes[:, None, 2], boxes[None, :, 2]) - np.maximum(boxes[:, None, 0], boxes[None, :, 0]) + GAP_PX
    high = np.minimum(boxes[:, None, 3], boxes[None, :, 3]) - np.maximum(boxes[:, None, 1], boxes[None, :, 1]) + GAP_PX
    middle = np.stack([boxes[:, 0] + boxes[:, 2], boxes[:, 1] + boxes[:, 3]], axis=-1) / 2
    toward = np.sign(middle[None, :, :] - middle[:, None, :])
    toward = np.where(toward == 0, np.sign(np.subtract.outer(np.arange(len(boxes)), np.arange(len(boxes))))[..., None] * -1.0, toward)
    move = np.where((wide < high)[..., None], np.stack([toward[..., 0] * wide, 0 * wide], axis=-1),
                    np.stack([0 * high, toward[..., 1] * high], axis=-1))
    return np.where(((wide > 0) & (high > 0))[..., None], move, 0.0)


def _widest_along_x(points: np.ndarray) -> np.ndarray:
    """``points`` (n x 2) turned about their centre so that their widest extent lies along x.

    A spring layout comes out in any orientation, and the network chart keeps one scale on both
    axes: a layout elongated up and down filled a third of a report-wide chart, its labels piled
    on each other. Turning it onto its principal axes (by SVD; networkx's layouts cannot be told
    an orientation) changes no distance between nodes."""
    if len(points) < 2:
        return points
    centred = points - points.mean(axis=0)
    _, _, axes = np.linalg.svd(centred, full_matrices=False)
    return centred @ axes.T


_LABEL_SIDES = ("top center", "bottom center", "middle right", "middle left",
                "top left", "top right", "bottom left", "bottom right")
# Each side's direction from the node (x right, y up): a name is tried on the outer sides first.
_SIDE_DIRECTIONS = np.array([(0, 1), (0, -1), (1, 0), (-1, 0), (-0.7, 0.7), (0.7, 0.7), (-0.7, -0.7), (0.7, -0.7)])


def label_boxes(positions: dict, sizes_px: dict, labels: list, fonts: dict | None = None) -> list:
    """The box (left, bottom, right, top, in the pixels of PLOT_PX, y up) of
    each label of ``labels`` ((actor, name, side): one of _LABEL_SIDES), written in ``fonts``
    [actor] px (LABEL_FONT_PX by default) in Noto Sans: its letters average ~0.56 of the font size
    wide (0.6 in bold), its ink from descender to accent ~1.2 of it high. Plotly sets a name
    beside a marker of diameter d at 0.625 d + 1 px from its centre (plotly.js
    ``Drawing.textPointPosition``: the radius / 0.8, as some symbols are larger, plus one)."""
    fonts = fonts or {}
    boxes = []
    for actor, name, side in labels:
        x, y = positions[actor]
        font = fonts.get(actor, LABEL_FONT_PX)
        width = (0.6 if actor in fonts else 0.56) * font * len(name) + 2
        gap = 0.625 * sizes_px[actor] + 1
        horizontal = {"center": (x - width / 2, x + width / 2), "right": (x + gap, x + gap + width),
                      "left": (x - gap - width, x - gap)}
        vertical = {"top": (y + gap, y + gap + 1.2 * font), "bottom": (y - gap - font, y - gap + 0.2 * font),
                    "middle": (y - 0.5 * font, y + 0.7 * font)}
        (left, right), (bottom, top) = horizontal[side.split()[1]], vertical[side.split()[0]]
        boxes.append((left, bottom, right, top))
    return boxes


def _overlaps(boxes: np.ndarray, others: np.ndarray) -> np.ndarray:
    """The area each of ``boxes`` (k x 4) shares with each of ``others`` (m x 4), as k x m."""
    wide = np.minimum(boxes[:, None, 2], others[None, :, 2]) - np.maximum(boxes[:, None, 0], others[None, :, 0])
    high = np.minimum(boxes[:, None, 3], others[None, :, 3]) - np.maximum(boxes[:, None, 1], others[None, :, 1])
    return np.clip(wide, 0, None) * np.clip(high, 0, None)


def _covers_marker(boxes: np.ndarray, centres: np.ndarray, radii: np.ndarray) -> np.ndarray:
    """Whether each of ``boxes`` (k x 4) reaches into each marker (m discs), as k x m."""
    nearest_x = np.clip(centres[None, :, 0], boxes[:, None, 0], boxes[:, None, 2])
    nearest_y = np.clip(centres[None, :, 1], boxes[:, None, 1], boxes[:, None, 3])
    return np.hypot(nearest_x - centres[None, :, 0], nearest_y - centres[None, :, 1]) < radii[None, :]


def label_positions(positions: dict, sizes_px: dict, named: list, fonts: dict | None = None,
                    prefer: dict | None = None, reach: dict | None = None) -> dict:
    """Where to write each name of ``named`` ((actor, name), the most important first) beside its
    node: the first of its sides (``prefer``[actor] first, then the outer sides, away from the
    middle of the chart where the nodes are thickest) that covers no name already placed and no
    other node's marker, and stays inside the plot area (beyond it Plotly cuts a name off). A
    name with no such place is left out: its node names it on hover. Plotly writes a label where
    it is told, over any other (adjustText, the usual remedy, works on matplotlib only), so names
    of a dense cluster piled up and hid the nodes under them. ``reach``: actor -> the radius its
    marker covers, where not half its size."""
    prefer = prefer or {}
    actors = list(positions)
    centres = np.array([positions[a] for a in actors], dtype=float)
    reach = reach or {}
    radii = np.array([reach.get(a, sizes_px[a] / 2) + 1 for a in actors])  # the white outline too
    width, height = PLOT_PX
    middle = np.array([width / 2, height / 2])
    placed, taken = {}, np.empty((0, 4))
    for actor, name in named:
        options = np.array(label_boxes(positions, sizes_px, [(actor, name, side) for side in _LABEL_SIDES], fonts))
        inside = (options[:, 0] >= 0) & (options[:, 2] <= width) & (options[:, 1] >= 0) & (options[:, 3] <= height)
        others = np.array([a != actor for a in actors])
        free = (inside & ~(_overlaps(options, taken) > 0).any(axis=1)
                & ~_covers_marker(options, centres[others], radii[others]).any(axis=1))
        if not free.any():
            continue
        outward = np.asarray(positions[actor], dtype=float) - middle
        outward = outward / np.linalg.norm(outward) if np.linalg.norm(outward) > 1 else np.array([0.0, 1.0])
        rank = -(_SIDE_DIRECTIONS @ outward).round(6) - 10.0 * (np.array(_LABEL_SIDES) == prefer.get(actor))
        best = next(int(i) for i in np.argsort(rank, kind="stable") if free[i])
        placed[actor] = _LABEL_SIDES[best]
        taken = np.vstack([taken, options[best]])
    return placed
