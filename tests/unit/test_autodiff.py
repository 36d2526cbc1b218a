"""calcnotes.autodiff: every operation's gradient against central differences,
an MLP's gradients against the hand-written calcnotes.mlp.backward (to 1e-12),
a scalar expression against sympy, forward mode against reverse mode, the
softmax cross-entropy against the softmax Jacobian, and bad input.

Each gradient is computed two ways, as micrograd's test does (there against
torch; torch is compared in benchmarks/autodiff_vs_torch.py)."""

import numpy as np
import pytest
import sympy as sp

from calcnotes.activations import softmax, softmax_jacobian
from calcnotes.autodiff import (
    Dual,
    Graph,
    Tensor,
    forward_gradient,
    gradient,
    graph,
    jvp,
    softmax_cross_entropy,
    topological_order,
    unbroadcast,
    vjp,
)
from calcnotes.gradcheck import check_gradient
from calcnotes.losses import cross_entropy_with_logits, cross_entropy_with_logits_gradient
from calcnotes.mlp import backward, forward, init_params, loss
from calcnotes.numeric import numeric_jacobian

RNG = np.random.default_rng(20240610)


def engine_gradients(build, *arrays, seed_rng=0):
    """Gradients of sum(R * build(*tensors)) for a fixed random R (a generic seed)."""
    tensors = [Tensor(a) for a in arrays]
    out = build(*tensors)
    R = np.random.default_rng(seed_rng).normal(size=out.shape)
    (out * R).sum().backward()
    return [t.grad for t in tensors], R


def check_op(build, numpy_f, *arrays):
    """The engine's gradient of each argument against central differences."""
    grads, R = engine_gradients(build, *arrays)
    for i, a in enumerate(arrays):
        def f(value, i=i):
            args = list(arrays)
            args[i] = value
            return float(np.sum(R * numpy_f(*args)))

        result = check_gradient(f, lambda value, i=i: grads[i], np.asarray(a, float),
                                rtol=1e-7)
        assert result.passed, (i, result)
        assert grads[i].shape == np.shape(a)


# --- every operation against central differences -------------------------

@pytest.mark.parametrize("shape_a, shape_b", [
    ((3, 4), (3, 4)), ((3, 4), (4,)), ((3, 1), (1, 4)), ((2, 3, 4), (3, 1)), ((), (2, 3)),
])
def test_add_and_mul_broadcast(shape_a, shape_b):
    a, b = RNG.normal(size=shape_a), RNG.normal(size=shape_b)
    check_op(lambda s, t: s + t, np.add, a, b)
    check_op(lambda s, t: s * t, np.multiply, a, b)
    check_op(lambda s, t: s - t, np.subtract, a, b)


@pytest.mark.parametrize("shape_a, shape_b", [
    ((3, 4), (4, 2)), ((3, 4), (4,)), ((4,), (4, 2)), ((4,), (4,)), ((1, 1), (1, 1)),
])
def test_matmul(shape_a, shape_b):
    A, B = RNG.normal(size=shape_a), RNG.normal(size=shape_b)
    check_op(lambda s, t: s @ t, np.matmul, A, B)


@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 1)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_sum(axis, keepdims):
    X = RNG.normal(size=(3, 4))
    check_op(lambda t: t.sum(axis=axis, keepdims=keepdims),
             lambda a: np.sum(a, axis=axis, keepdims=keepdims), X)
    assert Tensor(X).sum(axis=axis, keepdims=keepdims).shape == \
        np.sum(X, axis=axis, keepdims=keepdims).shape


@pytest.mark.parametrize("name, numpy_f, low", [
    ("exp", np.exp, -3.0),
    ("log", np.log, 0.2),
    ("sigmoid", lambda z: 1 / (1 + np.exp(-z)), -3.0),
    ("tanh", np.tanh, -3.0),
    ("relu", lambda z: np.maximum(z, 0.0), -3.0),
])
def test_elementwise_functions(name, numpy_f, low):
    X = RNG.uniform(low, 3.0, size=(3, 4))
    X[np.abs(X) < 0.1] = 0.5  # keep relu's corner out of the differences
    check_op(lambda t: getattr(t, name)(), numpy_f, X)


def test_relu_at_zero_uses_zero():
    x = Tensor([0.0, -0.0, 1e-300])
    x.relu().backward(np.ones(3))
    assert x.grad.tolist() == [0.0, 0.0, 1.0]  # as calcnotes.activations and torch


def test_sigmoid_is_stable():
    x = Tensor([-1e4, 1e4])
    x.sigmoid().backward(np.ones(2))
    assert x.grad.tolist() == [0.0, 0.0]


@pytest.mark.parametrize("targets", ["labels", "one-hot", "soft"])
def test_softmax_cross_entropy(targets):
    n, k = 5, 4
    Z = RNG.normal(size=(n, k)) * 3
    labels = RNG.integers(0, k, n)
    y = {"labels": labels, "one-hot": np.eye(k)[labels],
         "soft": softmax(RNG.normal(size=(n, k)))}[targets]
    Zt = Tensor(Z)
    L = softmax_cross_entropy(Zt, y)
    L.backward()
    assert L.shape == ()
    assert abs(float(L.data) - cross_entropy_with_logits(y, Z)) < 1e-14
    np.testing.assert_allclose(Zt.grad, cross_entropy_with_logits_gradient(y, Z),
                               rtol=1e-13, atol=1e-16)
    result = check_gradient(lambda z: cross_entropy_with_logits(y, z),
                            lambda z: Zt.grad, Z, rtol=1e-7)
    assert result.passed, result


def test_softmax_cross_entropy_is_the_softmax_jacobian_collapsed():
    """(s - y) equals J^T (-y/s) with J = diag(s) - s s^T, row by row."""
    Z, labels = RNG.normal(size=(4, 3)), np.array([0, 2, 1, 2])
    Zt = Tensor(Z)
    softmax_cross_entropy(Zt, labels).backward()
    Y = np.eye(3)[labels]
    for i in range(4):
        s = softmax(Z[i])
        through_jacobian = softmax_jacobian(Z[i]).T @ (-Y[i] / s) / 4
        np.testing.assert_allclose(Zt.grad[i], through_jacobian, rtol=1e-12, atol=1e-16)


def test_softmax_cross_entropy_is_stable():
    Zt = Tensor([[1e4, 0.0, -1e4]])
    L = softmax_cross_entropy(Zt, [2])
    L.backward()
    assert float(L.data) == 2e4                  # log-sum-exp, exactly
    assert Zt.grad.tolist() == [[1.0, 0.0, -1.0]]


# --- an MLP against calcnotes.mlp.backward ---------------------------------

def engine_mlp(X, Y, params, activation, output):
    """The MLP of calcnotes.mlp written with Tensors; returns (loss, tensors)."""
    L = len(params) // 2
    P = {k: Tensor(v, name=k) for k, v in params.items()}
    A = Tensor(X)
    for l in range(1, L + 1):
        Z = A @ P[f"W{l}"] + P[f"b{l}"]
        A = getattr(Z, activation)() if l < L else Z
    n, m = Y.shape if Y.ndim == 2 else (Y.shape[0], None)
    if output == "softmax":
        loss_t = softmax_cross_entropy(A, Y)
    elif output == "sigmoid":
        S = A.sigmoid()
        loss_t = -(Y * S.log() + (1 - Y) * (1 - S).log()).sum() * (1 / (n * m))
    else:
        R = A - Y
        loss_t = (R * R).sum() * (1 / (n * m))
    return loss_t, P


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("output", ["softmax", "sigmoid", "identity"])
def test_mlp_gradients_equal_mlp_backward(activation, output):
    sizes, n = (3, 5, 4, 3), 6
    rng = np.random.default_rng(7)
    params = init_params(sizes, activation, random_state=7)
    for k in params:  # nonzero biases, so that every b enters the check
        params[k] = params[k] + 0.1 * rng.normal(size=params[k].shape)
    X = rng.normal(size=(n, sizes[0]))
    Y = {"softmax": rng.integers(0, sizes[-1], n),
         "sigmoid": rng.integers(0, 2, (n, sizes[-1])).astype(float),
         "identity": rng.normal(size=(n, sizes[-1]))}[output]
    _, cache = forward(X, params, activation, output)
    grads = backward(Y, params, cache, activation, output)
    loss_t, P = engine_mlp(X, Y, params, activation, output)
    loss_t.backward()
    assert abs(float(loss_t.data) - loss(Y, cache["Z3"], output)) < 1e-12
    for k in params:
        np.testing.assert_allclose(P[k].grad, grads[k], rtol=1e-12, atol=1e-15)


# --- a scalar expression against sympy; forward mode against reverse ---------

def expression(x, y):
    """Works for Tensors and Duals alike (only shared operations)."""
    return (x * y + x.exp()).log() * y.tanh() + (x * y).sigmoid() - (x - y).relu()


def test_scalar_expression_against_sympy():
    x, y = sp.symbols("x y", real=True)
    sig = lambda t: 1 / (1 + sp.exp(-t))  # noqa: E731
    f = sp.log(x * y + sp.exp(x)) * sp.tanh(y) + sig(x * y) - sp.Max(x - y, 0)
    for point in [(0.7, 1.3), (1.5, -0.4), (0.2, 2.0)]:
        exact = [float(sp.diff(f, v).subs({x: point[0], y: point[1]}).evalf(30))
                 for v in (x, y)]
        reverse = gradient(expression, point)
        forward_mode = forward_gradient(expression, point)
        np.testing.assert_allclose(reverse, exact, rtol=1e-13)
        np.testing.assert_allclose(forward_mode, exact, rtol=1e-13)


def test_dual_rules_against_sympy():
    a = sp.Symbol("a", positive=True)
    cases = [(lambda d: d / (d + 1.0), a / (a + 1)), (lambda d: 2.0 / d, 2 / a),
             (lambda d: d ** 2.5, a ** sp.Rational(5, 2)), (lambda d: 3.0 - d, 3 - a),
             (lambda d: d.sigmoid(), 1 / (1 + sp.exp(-a)))]
    for f_dual, f_sym in cases:
        out = f_dual(Dual(1.7, 1.0))
        assert abs(out.dot - float(sp.diff(f_sym, a).subs(a, 1.7))) < 1e-14
        assert abs(out.value - float(f_sym.subs(a, 1.7))) < 1e-14


def test_jvp_and_vjp_are_the_jacobian_times_a_vector():
    W = RNG.normal(size=(3, 4))
    x0, v_in, v_out = RNG.normal(size=4), RNG.normal(size=4), RNG.normal(size=3)
    J = (1 - np.tanh(W @ x0) ** 2)[:, None] * W    # by hand: diag(tanh') W
    np.testing.assert_allclose(numeric_jacobian(lambda x: np.tanh(W @ x), x0), J,
                               rtol=1e-7, atol=1e-9)
    value, back = vjp(lambda t: (Tensor(W) @ t).tanh(), x0, v_out)
    np.testing.assert_allclose(value, np.tanh(W @ x0), rtol=1e-15)
    np.testing.assert_allclose(back, J.T @ v_out, rtol=1e-12, atol=1e-15)

    def f(*xs):
        return [sum((W[i, j] * xs[j] for j in range(4)), Dual(0.0)).tanh()
                for i in range(3)]

    value_f, forward_mode = jvp(f, x0, v_in)
    np.testing.assert_allclose(value_f, np.tanh(W @ x0), rtol=1e-14)
    np.testing.assert_allclose(forward_mode, J @ v_in, rtol=1e-12, atol=1e-15)


# --- the graph and the backward pass ---------------------------------------

def test_graph_nodes_edges_levels():
    x, y = Tensor(0.5, name="x"), Tensor(-1.2, name="y")
    f = (x * y + x.exp()).log()
    g = graph(f)
    assert isinstance(g, Graph) and repr(g) == "Graph(6 nodes, 6 edges)"
    assert [n.op or n.name for n in g.nodes] == ["x", "y", "mul", "exp", "add", "log"]
    assert g.nodes[-1] is f
    assert sorted(g.edges) == [(0, 2), (0, 3), (1, 2), (2, 4), (3, 4), (4, 5)]
    assert g.levels() == [0, 0, 1, 1, 2, 3]
    for i, j in g.edges:  # every edge points forward in the order
        assert i < j


def test_used_twice_gradients_add_and_backward_does_not_accumulate():
    x = Tensor(3.0)
    y = x * x * x                          # dy/dx = 3x^2 = 27
    y.backward()
    assert float(x.grad) == 27.0
    y.backward()
    assert float(x.grad) == 27.0           # overwritten, not 54
    z = x * x
    assert len(graph(z).edges) == 2        # one edge per use


def test_deep_graph_no_recursion_limit():
    x = Tensor(1.0)
    y = x
    for _ in range(5000):
        y = y * 1.0001
    y.backward()
    assert abs(float(x.grad) - 1.0001**5000) < 1e-9 * 1.0001**5000
    assert len(topological_order(y)) == 10001  # x, 5000 constants, 5000 products


def test_unbroadcast_and_ndarray_on_the_left():
    assert unbroadcast(np.ones((2, 3, 4)), (3, 1)).tolist() == [[8.0]] * 3
    b = Tensor([1.0, 2.0])
    out = np.ones((3, 2)) * b + np.zeros((3, 2))  # ndarray op Tensor -> Tensor
    assert isinstance(out, Tensor)
    out.backward(np.ones((3, 2)))
    assert b.grad.tolist() == [3.0, 3.0]


def test_repr():
    x = Tensor(2.0, name="x")
    y = x * 3.0
    assert repr(x) == "Tensor(2, name='x')"
    assert repr(y) == "Tensor(6, op='mul')"
    y.backward()
    assert repr(x) == "Tensor(2, name='x', grad=3)"
    assert repr(Tensor(np.zeros((3, 4)))) == "Tensor(<array of shape (3, 4)>)"
    assert repr(Dual(1.0, 2.0)) == "Dual(value=1, dot=2)"


# --- bad input ---------------------------------------------------------------

@pytest.mark.parametrize("make, error, message", [
    (lambda: Tensor([1.0, 2.0]).exp().backward(), ValueError,
     r"backward\(\) without a seed needs a scalar output, but this Tensor has shape \(2,\)"),
    (lambda: Tensor([1.0, 2.0]).exp().backward([1.0]), ValueError,
     r"the seed has shape \(1,\) but the Tensor has shape \(2,\)"),
    (lambda: Tensor([1.0]).backward([np.nan]), ValueError, "seed contains NaN"),
    (lambda: Tensor(np.ones((2, 3))) + Tensor(np.ones(2)), ValueError,
     r"add: shapes \(2, 3\) and \(2,\) do not broadcast"),
    (lambda: Tensor(np.ones((2, 3))) * np.ones((3, 2)), ValueError,
     r"mul: shapes \(2, 3\) and \(3, 2\) do not broadcast"),
    (lambda: Tensor(np.ones((2, 3))) @ Tensor(np.ones((2, 3))), ValueError,
     r"inner sizes 3 and 2 must agree"),
    (lambda: Tensor(np.ones((2, 2, 2))) @ Tensor(np.ones((2, 2))), ValueError,
     "matmul takes 1-D or 2-D Tensors"),
    (lambda: Tensor([1.0, np.inf]), ValueError, "contains inf"),
    (lambda: Tensor([np.nan]), ValueError, "contains NaN"),
    (lambda: Tensor([1.0, 800.0]).exp(), ValueError,
     "exp gave inf at flat index 1 .* overflowed float64"),
    (lambda: Tensor([2.0, 0.0]).log(), ValueError,
     "log needs positive inputs, got 0.0 at flat index 1"),
    (lambda: Tensor(np.ones(3)).sum(axis=1), ValueError,
     r"sum: axis 1 does not fit a Tensor of shape \(3,\)"),
    (lambda: softmax_cross_entropy(Tensor(np.zeros(3)), [0]), ValueError,
     r"logits of shape \(n_samples, n_classes\), got shape \(3,\)"),
    (lambda: softmax_cross_entropy(np.zeros((2, 3)), [0, 3]), ValueError,
     "integer class labels 0..2"),
    (lambda: softmax_cross_entropy(np.zeros((2, 3)), [0]), ValueError,
     "y has 1 rows but Z has 2"),
    (lambda: softmax_cross_entropy(np.zeros((2, 3)), np.ones((2, 2)) / 2), ValueError,
     r"Z has 3 classes"),
    (lambda: softmax_cross_entropy(np.zeros((1, 2)), [[0.5, 0.6]]), ValueError,
     "row 0 of y is not a distribution"),
    (lambda: graph(3.0), TypeError, "graph needs a Tensor"),
    (lambda: Dual(float("nan")), ValueError, "finite"),
    (lambda: Dual("1"), TypeError, "real numbers"),
    (lambda: Dual(0.0).log(), ValueError, "positive"),
    (lambda: Dual(1.0) / Dual(0.0), ZeroDivisionError, "value is 0"),
    (lambda: jvp(lambda a, b: a * b, [1.0, 2.0], [1.0]), ValueError,
     "x has 2 entries and v 1"),
    (lambda: vjp(lambda t: 3.0, [1.0], [1.0]), TypeError,
     "f returned float, not a Tensor"),
])
def test_bad_input(make, error, message):
    with pytest.raises(error, match=message):
        make()
