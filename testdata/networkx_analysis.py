"""Loads the GEXF and GraphML exports with NetworkX, as an analyst would, and
prints what analysts_e2e_test.go compares with the API: node and edge counts
of both files, the graph mode, the spells of some nodes and edges, the
network alive in some years as Gephi's timeline shows it (the nodes whose
spell meets the year, the edges whose spell meets it between two such nodes),
betweenness, closeness, degree and PageRank on the simple undirected graph, and the coordinates
and populations the GraphML gives.

Usage: python3 networkx_analysis.py FILE.gexf FILE.graphml YEAR,YEAR ID,ID
"""
import json
import sys

import networkx as nx


def meets(data, first, last):
    """Whether a GEXF spell (ISO days, either end open) meets [first, last]."""
    start, end = data.get("start"), data.get("end")
    return (start is None or start <= last) and (end is None or end >= first)


def alive(g, year):
    first, last = f"{year}-01-01", f"{year}-12-31"
    nodes = {n for n, d in g.nodes(data=True) if meets(d, first, last)}
    edges = [1 for u, v, d in g.edges(data=True) if u in nodes and v in nodes and meets(d, first, last)]
    return [len(nodes), len(edges)]


def main(gexf, graphml, years, ids):
    g = nx.read_gexf(gexf)
    gml = nx.read_graphml(graphml)
    simple = nx.Graph(g.to_undirected())
    simple.remove_edges_from(list(nx.selfloop_edges(simple)))
    spells = {}
    for i in ids.split(",") if ids else []:
        if i in g:
            spells[i] = [g.nodes[i].get("start"), g.nodes[i].get("end")]
        for u, v, d in g.edges(data=True):
            if d.get("id") == i:
                spells[i] = [d.get("start"), d.get("end")]
    print(json.dumps({
        "networkx": nx.__version__,
        "mode": g.graph.get("mode"),
        "directed": g.is_directed(),
        "nodes": g.number_of_nodes(),
        "edges": g.number_of_edges(),
        "graphmlNodes": gml.number_of_nodes(),
        "graphmlEdges": gml.number_of_edges(),
        "alive": {y: alive(g, y) for y in years.split(",") if y},
        "spells": spells,
        "betweenness": nx.betweenness_centrality(simple),
        "closeness": nx.closeness_centrality(simple),
        "degree": dict(simple.degree()),
        "pagerank": nx.pagerank(simple, alpha=0.85, tol=1e-12, max_iter=1000) if len(simple) else {},
        "coordinates": {n: [d["longitude"], d["latitude"]] for n, d in gml.nodes(data=True) if "longitude" in d},
        "coordinateTypes": sorted({type(d["longitude"]).__name__ for _, d in gml.nodes(data=True) if "longitude" in d}),
        "populations": {n: d["population"] for n, d in gml.nodes(data=True) if "population" in d},
        "populationTypes": sorted({type(d["population"]).__name__ for _, d in gml.nodes(data=True) if "population" in d}),
    }))


if __name__ == "__main__":
    main(*sys.argv[1:5])
