"""Behaviour of calcnotes.autodiff that the mutation run found unpinned.

Derivatives are worked out by hand (quotient, power and chain rules).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from calcnotes.autodiff import Dual, Tensor
from calcnotes.autodiff.functions import exp, relu, sigmoid, tanh
from calcnotes.autodiff.loss import softmax_cross_entropy
from calcnotes.autodiff.reverse import gradient, vjp


def test_dual_quotient_rule_with_a_moving_denominator():
    # (6 + e)/(2 + 3e): value 3, derivative (1 * 2 - 6 * 3) / 2^2 = -4
    q = Dual(6.0, 1.0) / Dual(2.0, 3.0)
    assert (q.value, q.dot) == (3.0, -4.0)


def test_dual_power_rule_scales_with_the_tangent():
    # (3 + 2e)^2 = 9 + 12e
    p = Dual(3.0, 2.0) ** 2
    assert (p.value, p.dot) == (9.0, 12.0)


def test_dual_log_below_one_and_relu_around_zero():
    lg = Dual(0.5, 1.0).log()
    assert lg.value == math.log(0.5) and lg.dot == 2.0  # d/dx log x = 1/x
    r = Dual(0.5, 1.0).relu()
    assert (r.value, r.dot) == (0.5, 1.0)
    r0 = Dual(0.0, 1.0).relu()  # the convention relu'(0) = 0
    assert (r0.value, r0.dot) == (0.0, 0.0)
    rneg = Dual(-2.0, 1.0).relu()
    assert (rneg.value, rneg.dot) == (0.0, 0.0)


@pytest.mark.parametrize(("fn", "op"), [(sigmoid, "sigmoid"), (tanh, "tanh"), (relu, "relu")])
def test_operations_name_their_node(fn, op):
    node = fn(Tensor(1.0))
    assert node.op == op and f"op='{op}'" in repr(node)
    assert Tensor([1.0, 2.0]).sum().op == "sum"
    assert (Tensor([[1.0, 2.0]]) @ Tensor([[1.0], [1.0]])).op == "matmul"
    loss = softmax_cross_entropy(Tensor(np.zeros((2, 3))), [0, 1])
    assert loss.op == "softmax_cross_entropy"
    assert float(loss.data) == pytest.approx(math.log(3))  # uniform over 3 classes


@pytest.mark.parametrize(
    ("fn", "derivative"),
    [
        (relu, lambda x: 1.0 if x > 0 else 0.0),
        (tanh, lambda x: 1 - math.tanh(x) ** 2),
        (sigmoid, lambda x: math.exp(-x) / (1 + math.exp(-x)) ** 2),
        (exp, math.exp),
    ],
)
def test_gradients_accumulate_over_two_uses(fn, derivative):
    # f(x) = g(x) + 3x: f' = g'(x) + 3, whichever path backward() visits first
    for x0 in (0.7, -0.4):
        x = Tensor(x0)
        out = fn(x) + 3 * x
        out.backward()
        assert float(x.grad) == pytest.approx(derivative(x0) + 3, rel=1e-12)
        # and the other order of the sum
        y = Tensor(x0)
        (3 * y + fn(y)).backward()
        assert float(y.grad) == pytest.approx(derivative(x0) + 3, rel=1e-12)


def test_softmax_cross_entropy_gradient_accumulates():
    # L = CE(Z, y) + sum(Z); dCE/dZ = (softmax(Z) - Y) / n = (1/3 - Y) / 2 at Z = 0
    Z = Tensor(np.zeros((2, 3)))
    (softmax_cross_entropy(Z, [0, 1]) + Z.sum()).backward()
    Y = np.array([[1.0, 0, 0], [0, 1.0, 0]])
    np.testing.assert_allclose(Z.grad, (1 / 3 - Y) / 2 + 1, rtol=1e-12)


def test_exp_overflow_is_a_clear_error_without_a_numpy_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError, match="overflowed"):
            exp(Tensor(1000.0))


def test_unused_inputs_get_derivative_zero():
    np.testing.assert_array_equal(gradient(lambda a, b: a.exp(), [0.0, 2.0]), [1.0, 0.0])
    value, product = vjp(lambda t: Tensor(np.ones(2)), [1.0, 2.0], [1.0, 10.0])
    np.testing.assert_array_equal(value, [1.0, 1.0])
    assert product.dtype == np.float64
    np.testing.assert_array_equal(product, [0.0, 0.0])


def test_softmax_cross_entropy_targets_are_1d_or_2d():
    with pytest.raises(ValueError, match="1-D or 2-D"):
        softmax_cross_entropy(Tensor(np.zeros((2, 3))), np.ones((2, 3, 1)) / 3)


def test_add_and_matmul_gradients_accumulate_over_two_uses():
    # f(x) = (x + 1) + 3x: f' = 4, in either order of the sum
    for build in (lambda x: (x + 1.0) + x * 3.0, lambda x: x * 3.0 + (x + 1.0)):
        x = Tensor(2.0)
        build(x).backward()
        assert float(x.grad) == 4.0
    # f(A) = sum(A @ B) + sum(2 A) with A (1, 2), B (2, 1): df/dA = B^T + 2
    B = np.array([[5.0], [7.0]])
    for build in (lambda A: (A @ B).sum() + (A * 2.0).sum(), lambda A: (A * 2.0).sum() + (A @ B).sum()):
        A = Tensor([[1.0, 1.0]])
        build(A).backward()
        np.testing.assert_array_equal(A.grad, [[7.0, 9.0]])
    # and the right operand: f(B) = sum(A @ B) + sum(B), df/dB = A^T + 1
    A0 = np.array([[2.0, 3.0]])
    for build in (lambda W: (Tensor(A0) @ W).sum() + W.sum(), lambda W: W.sum() + (Tensor(A0) @ W).sum()):
        W = Tensor([[1.0], [1.0]])
        build(W).backward()
        np.testing.assert_array_equal(W.grad, [[3.0], [4.0]])


def test_reflected_add_and_matmul():
    t = Tensor(3.0)
    out = 2.0 + t  # float + Tensor: Tensor.__radd__
    out.backward()
    assert float(out.data) == 5.0 and float(t.grad) == 1.0
    B = Tensor([[1.0], [2.0]])
    prod = [[3.0, 4.0]] @ B  # list @ Tensor: Tensor.__rmatmul__
    assert prod.op == "matmul" and float(prod.data.ravel()[0]) == 11.0  # 3 * 1 + 4 * 2
    prod.backward([[1.0]])
    np.testing.assert_array_equal(B.grad, [[3.0], [4.0]])  # A^T G


def test_tensor_repr_shows_up_to_six_numbers():
    # numpy's array2string with precision=4 and separator ", "
    assert repr(Tensor(np.arange(6.0) / 3)) == "Tensor([0.    , 0.3333, 0.6667, 1.    , 1.3333, 1.6667])"
    assert repr(Tensor(np.arange(7.0))) == "Tensor(<array of shape (7,)>)"
    assert repr(Tensor(1 / 3)) == "Tensor(0.333333)"


def test_broadcast_size_one_axis_gets_the_summed_gradient():
    # x of shape (1,) broadcast against y of shape (2,): d sum(x + y) / dx = 2, dy = [1, 1]
    x, y = Tensor([1.0]), Tensor([1.0, 2.0])
    (x + y).sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0])
    np.testing.assert_array_equal(y.grad, [1.0, 1.0])
    # (2, 1) against (2, 3): each row of the column gets the sum over its 3 columns
    c, M = Tensor([[1.0], [2.0]]), Tensor(np.ones((2, 3)))
    (c * M).sum().backward()
    np.testing.assert_array_equal(c.grad, [[3.0], [3.0]])
