r"""Automatic differentiation: a small reverse-mode engine over numpy arrays.

A computation written with :class:`Tensor` records its graph as it runs;
``L.backward()`` then applies the chain rule from the output back to the
inputs, once per node, and leaves :math:`\partial L/\partial x` in ``x.grad``
for every node ``x``. The size and shape follow micrograd: one concept per
file, and every operation defines its backward step next to its forward
computation.

==================  =====================================================
module              what it holds
==================  =====================================================
``tensor``          :class:`Tensor` and :meth:`Tensor.backward`
``ops``             ``add``, ``mul``, ``matmul``, ``sum`` (broadcasting)
``functions``       ``exp``, ``log``, ``sigmoid``, ``tanh``, ``relu``
``loss``            ``softmax_cross_entropy`` on logits, gradient (S - Y)/n
``graph``           :func:`graph`: nodes and edges, for a figure
``dual``            forward mode: :class:`Dual`, ``jvp``, ``forward_gradient``
``reverse``         reverse mode as operators: ``gradient``, ``vjp``
==================  =====================================================

Examples
--------
A logistic neuron, :math:`L = -\log \sigma(wx + b)` for the label 1:

>>> w, b = Tensor(0.5, name="w"), Tensor(-1.0, name="b")
>>> L = -((w * 2.0 + b).sigmoid().log())     # x = 2: z = 0
>>> L.backward()
>>> w.grad, b.grad                           # (sigma(z) - 1) x and (sigma(z) - 1)
(array(-1.), array(-0.5))
"""

from calcnotes.autodiff.dual import Dual, forward_gradient, jvp
from calcnotes.autodiff.functions import exp, log, relu, sigmoid, tanh
from calcnotes.autodiff.graph import Graph, graph
from calcnotes.autodiff.loss import softmax_cross_entropy
from calcnotes.autodiff.ops import add, matmul, mul, sum
from calcnotes.autodiff.reverse import gradient, vjp
from calcnotes.autodiff.tensor import Tensor, as_tensor, topological_order, unbroadcast

__all__ = [
    "Tensor",
    "as_tensor",
    "topological_order",
    "unbroadcast",
    "add",
    "mul",
    "matmul",
    "sum",
    "exp",
    "log",
    "sigmoid",
    "tanh",
    "relu",
    "softmax_cross_entropy",
    "Graph",
    "graph",
    "Dual",
    "jvp",
    "forward_gradient",
    "gradient",
    "vjp",
]
