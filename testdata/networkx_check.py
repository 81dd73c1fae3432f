"""Loads a GraphML export with NetworkX, as an analyst would, and prints what
the Go test compares with the API: node and edge counts, a shortest path
between two nodes in the undirected view, and the Python types of typed
attributes.

Usage: python3 networkx_check.py FILE.graphml FROM TO
"""
import json
import sys

import networkx as nx


def main(path, source, target):
    g = nx.read_graphml(path)
    undirected = g.to_undirected(as_view=True)
    route = None
    if source in undirected and target in undirected and nx.has_path(undirected, source, target):
        route = nx.shortest_path(undirected, source, target)
    edge_types = sorted({type(v).__name__ for _, _, d in g.edges(data=True) for k, v in d.items() if k == "validFromYear"})
    node_types = sorted({type(d["signatory"]).__name__ for _, d in g.nodes(data=True) if "signatory" in d})
    print(json.dumps({
        "networkx": nx.__version__,
        "directed": g.is_directed(),
        "nodes": g.number_of_nodes(),
        "edges": g.number_of_edges(),
        "path": route,
        "validFromYearTypes": edge_types,
        "signatoryTypes": node_types,
        "kinds": sorted({d.get("kind") for _, d in g.nodes(data=True)}),
    }))


if __name__ == "__main__":
    main(*sys.argv[1:4])
