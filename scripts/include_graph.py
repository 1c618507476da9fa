#!/usr/bin/env python3
"""The include graph between core modules, and its layers lowest first; exits 1 on a cycle.

Usage: scripts/include_graph.py [core-folder]. A module is a folder of core/; an edge a -> b means
a file of a includes "b/...". Layers are peeled off from the modules that include no remaining one;
whatever cannot be peeled is a cycle (docs/architecture.md says how to break one).
"""
import collections
import os
import re
import sys

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "core")
edges = collections.defaultdict(set)
for folder, _, files in os.walk(root):
    for name in files:
        if not name.endswith((".h", ".cpp")):
            continue
        path = os.path.join(folder, name)
        module = os.path.relpath(path, root).split(os.sep)[0]
        for line in open(path, encoding="utf-8"):
            m = re.match(r'#include "([a-z_]+)/', line)
            if m and m.group(1) != module and os.path.isdir(os.path.join(root, m.group(1))):
                edges[module].add(m.group(1))
for module in sorted(edges):
    print(module, "->", " ".join(sorted(edges[module])))
nodes = set(edges) | {n for targets in edges.values() for n in targets}
layers = []
while nodes:
    free = sorted(n for n in nodes if not (edges.get(n, set()) & nodes))
    if not free:
        print("cycle among:", " ".join(sorted(nodes)))
        sys.exit(1)
    layers += free
    nodes -= set(free)
print("layers, lowest first:", " ".join(layers))
