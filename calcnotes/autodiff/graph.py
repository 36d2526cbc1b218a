"""The computational graph behind a Tensor, as nodes and edges to draw.

Examples
--------
>>> from calcnotes.autodiff import Tensor
>>> x, y = Tensor(2.0, name="x"), Tensor(3.0, name="y")
>>> g = graph(x * y + x)
>>> g
Graph(4 nodes, 4 edges)
>>> [node.op or node.name for node in g.nodes], g.edges
(['x', 'y', 'mul', 'add'], [(0, 2), (1, 2), (2, 3), (0, 3)])
>>> g.levels()
[0, 0, 1, 2]
"""

from __future__ import annotations

from dataclasses import dataclass

from calcnotes.autodiff.tensor import Tensor, topological_order

__all__ = ["Graph", "graph"]


@dataclass(frozen=True, eq=False)
class Graph:
    """Nodes and edges of a computational graph (what :func:`graph` returns).

    Attributes
    ----------
    nodes : list of Tensor
        In topological order: inputs first, the output last.
    edges : list of tuple (int, int)
        ``(i, j)``: ``nodes[i]`` is a parent (an input) of ``nodes[j]``. A
        node used twice by the same operation (``x * x``) gives two edges.
    """

    nodes: list[Tensor]
    edges: list[tuple[int, int]]

    def levels(self) -> list[int]:
        """Return each node's depth: 0 for an input, else 1 + its deepest parent.

        Drawing nodes of one level in one column lays the graph out from
        left (inputs) to right (output) with every edge pointing right.
        """
        level: list[int] = []
        index = {id(node): i for i, node in enumerate(self.nodes)}
        for node in self.nodes:  # parents come first, so their level is known
            level.append(1 + max((level[index[id(p)]] for p in node.parents), default=-1))
        return level

    def __repr__(self) -> str:
        return f"Graph({len(self.nodes)} nodes, {len(self.edges)} edges)"


def graph(root: Tensor) -> Graph:
    """Return the graph of every node `root` depends on.

    Parameters
    ----------
    root : Tensor
        Usually the output (the loss) of a computation.

    Returns
    -------
    Graph
        ``nodes`` in topological order and ``edges`` as index pairs.
    """
    if not isinstance(root, Tensor):
        raise TypeError(
            f"graph needs a Tensor (the output of a computation), got "
            f"{type(root).__name__}"
        )
    nodes = topological_order(root)
    index = {id(node): i for i, node in enumerate(nodes)}
    edges = [(index[id(p)], j) for j, node in enumerate(nodes) for p in node.parents]
    return Graph(nodes, edges)
