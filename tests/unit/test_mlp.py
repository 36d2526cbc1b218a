"""MLP: backprop against finite differences for several depths, activations
and outputs, against sympy for the notes' depth-2 network, XOR, minibatch
reproducibility, and bad input."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from calcnotes.mlp import MLP, backward, forward, init_params, loss

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_y = np.array([0, 1, 1, 0])


def flat(params):
    return np.concatenate([params[k].ravel() for k in sorted(params)])


def unflat(theta, like):
    out, i = {}, 0
    for k in sorted(like):
        out[k] = theta[i:i + like[k].size].reshape(like[k].shape)
        i += like[k].size
    return out


def check_backprop(sizes, activation, output, seed=0, n=5):
    r = np.random.default_rng(seed)
    params = init_params(sizes, activation, random_state=seed)
    for k in params:  # nonzero biases, so that b enters every check
        params[k] = params[k] + 0.1 * r.normal(size=params[k].shape)
    X = r.normal(size=(n, sizes[0]))
    if output == "softmax":
        Y = r.integers(0, sizes[-1], n)
    elif output == "sigmoid":
        Y = r.integers(0, 2, (n, sizes[-1])).astype(float)
    else:
        Y = r.normal(size=(n, sizes[-1]))
    L = len(params) // 2

    def f(theta):
        p = unflat(theta, params)
        _, cache = forward(X, p, activation, output)
        return loss(Y, cache[f"Z{L}"], output)

    _, cache = forward(X, params, activation, output)
    grads = backward(Y, params, cache, activation, output)
    assert {k: g.shape for k, g in grads.items()} == \
        {k: p.shape for k, p in params.items()}
    theta, h = flat(params), 1e-6
    fd = np.array([(f(theta + h * e) - f(theta - h * e)) / (2 * h)
                   for e in np.eye(theta.size)])
    np.testing.assert_allclose(flat(grads), fd, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("output", ["softmax", "sigmoid", "identity"])
@pytest.mark.parametrize("sizes", [(3, 2), (3, 4, 2), (2, 3, 4, 3), (4, 3, 3, 2, 3)])
def test_backprop_against_finite_differences(sizes, activation, output):
    check_backprop(sizes, activation, output)


@given(st.lists(st.integers(1, 4), min_size=2, max_size=5),
       st.sampled_from(["sigmoid", "tanh"]),
       st.sampled_from(["softmax", "sigmoid", "identity"]),
       st.integers(0, 2**16))
@settings(max_examples=20, deadline=None)
def test_backprop_on_random_architectures(sizes, activation, output, seed):
    if output == "softmax" and sizes[-1] < 2:
        sizes = [*sizes[:-1], 2]
    check_backprop(tuple(sizes), activation, output, seed=seed)


def test_backprop_against_sympy_for_the_notes_depth_2_network():
    # seed 003: x -> (I1, I2) -> sigmoid -> Z -> sigmoid -> y_hat, log loss
    x1, x2, y = sp.symbols("x1 x2 y")
    w11, w12, w21, w22, b1, b2, w1, w2, b = sp.symbols(
        "w11 w12 w21 w22 b1 b2 w1 w2 b")
    s = lambda t: 1 / (1 + sp.exp(-t))  # noqa: E731
    a1, a2 = s(x1 * w11 + x2 * w21 + b1), s(x1 * w12 + x2 * w22 + b2)
    y_hat = s(a1 * w1 + a2 * w2 + b)
    L = -y * sp.log(y_hat) - (1 - y) * sp.log(1 - y_hat)
    values = {x1: 0.7, x2: -1.3, y: 1, w11: 0.2, w12: -0.4, w21: 0.5,
              w22: 0.1, b1: 0.05, b2: -0.2, w1: 0.9, w2: -0.6, b: 0.3}
    params = {"W1": np.array([[0.2, -0.4], [0.5, 0.1]]), "b1": np.array([0.05, -0.2]),
              "W2": np.array([[0.9], [-0.6]]), "b2": np.array([0.3])}
    _, cache = forward([[0.7, -1.3]], params, "sigmoid", "sigmoid")
    grads = backward([1.0], params, cache, "sigmoid", "sigmoid")
    symbols = list(values)
    numbers = [values[v] for v in symbols]
    d = lambda v: sp.lambdify(symbols, sp.diff(L, v))(*numbers)  # noqa: E731
    np.testing.assert_allclose(grads["W1"], [[d(w11), d(w12)], [d(w21), d(w22)]],
                               rtol=1e-12)
    np.testing.assert_allclose(grads["b1"], [d(b1), d(b2)], rtol=1e-12)
    np.testing.assert_allclose(grads["W2"].ravel(), [d(w1), d(w2)], rtol=1e-12)
    np.testing.assert_allclose(grads["b2"], [d(b)], rtol=1e-12)
    # the notes' closed form dL/dw11 = -x1 w1 a1 (1 - a1) (y - y_hat)
    A1, y_out = cache["A1"][0], cache["A2"][0, 0]
    assert grads["W1"][0, 0] == pytest.approx(
        -0.7 * 0.9 * A1[0] * (1 - A1[0]) * (1 - y_out), rel=1e-12)


def test_loss_matches_the_losses_module():
    from calcnotes.losses import binary_cross_entropy_with_logits, cross_entropy_with_logits, mse
    Z = np.random.default_rng(0).normal(size=(4, 3))
    y = np.array([0, 2, 1, 1])
    assert loss(y, Z) == pytest.approx(cross_entropy_with_logits(y, Z))
    Yb = (Z > 0).astype(float)
    assert loss(Yb, Z, "sigmoid") == pytest.approx(
        binary_cross_entropy_with_logits(Yb, Z))
    assert loss(Z + 1, Z, "identity") == pytest.approx(mse(Z + 1, Z))
    assert np.isfinite(loss(y, 1e4 * Z))


def test_init_params_is_seeded_and_scaled():
    a = init_params((64, 64, 10), "relu", random_state=3)
    b = init_params((64, 64, 10), "relu", random_state=np.random.default_rng(3))
    for k in a:
        np.testing.assert_array_equal(a[k], b[k])
    assert a["W1"].std() == pytest.approx(np.sqrt(2 / 64), rel=0.1)
    assert init_params((64, 64), "tanh", 0)["W1"].std() == pytest.approx(
        np.sqrt(2 / 128), rel=0.1)
    assert not a["b1"].any()


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_learns_xor(activation):
    model = MLP(hidden_sizes=(8,), activation=activation, output="sigmoid",
                learning_rate=1.0, epochs=2000, random_state=1).fit(XOR_X, XOR_y)
    np.testing.assert_array_equal(model.predict(XOR_X), XOR_y)
    assert model.loss_history_[-1] < 0.1 < model.loss_history_[0]
    P = model.predict_proba(XOR_X)
    assert P.shape == (4, 2)
    np.testing.assert_allclose(P.sum(axis=1), 1.0)


def test_learns_xor_with_softmax_output_and_minibatches():
    X, y = np.tile(XOR_X, (8, 1)), np.tile(XOR_y, 8)
    model = MLP(hidden_sizes=(8, 8), activation="tanh", learning_rate=0.5,
                batch_size=4, epochs=300).fit(X, y)
    np.testing.assert_array_equal(model.predict(XOR_X), XOR_y)
    np.testing.assert_array_equal(model.classes_, [0, 1])
    assert model.predict_proba(XOR_X).shape == (4, 2)


def test_minibatch_training_is_reproducible_and_matches_a_manual_loop():
    r = np.random.default_rng(5)
    X, y = r.normal(size=(23, 3)), r.integers(0, 3, 23)
    kw = dict(hidden_sizes=(4,), activation="tanh", learning_rate=0.3,
              batch_size=5, epochs=3, random_state=11)
    model = MLP(**kw).fit(X, y)
    again = MLP(**kw).fit(X, y)
    for k in model.params_:
        np.testing.assert_array_equal(model.params_[k], again.params_[k])
    # the same training written with the public functions
    rng = np.random.default_rng(11)
    params = init_params((3, 4, 3), "tanh", rng)
    for _ in range(3):
        perm = rng.permutation(23)
        for start in range(0, 23, 5):
            idx = perm[start:start + 5]
            _, cache = forward(X[idx], params, "tanh", "softmax")
            grads = backward(y[idx], params, cache, "tanh", "softmax")
            for k in params:
                params[k] = params[k] - 0.3 * grads[k]
    for k in params:
        np.testing.assert_allclose(model.params_[k], params[k], rtol=1e-13,
                                   atol=1e-15)


def test_regression_and_multilabel_outputs():
    r = np.random.default_rng(6)
    X = r.uniform(-1, 1, size=(64, 1))
    t = np.sin(3 * X[:, 0])
    reg = MLP(hidden_sizes=(16,), activation="tanh", output="identity",
              learning_rate=0.1, epochs=2000).fit(X, t)
    assert np.mean((reg.predict(X) - t) ** 2) < 0.01
    assert reg.predict(X).shape == (64,)
    reg2 = MLP(hidden_sizes=(), output="identity", epochs=5).fit(X, np.column_stack([t, t]))
    assert reg2.predict(X).shape == (64, 2)
    Y = np.column_stack([X[:, 0] > 0, X[:, 0] > 0.5]).astype(int)
    ml = MLP(hidden_sizes=(8,), output="sigmoid", learning_rate=1.0,
             epochs=500).fit(X, Y)
    assert ml.predict(X).shape == (64, 2) and ml.predict_proba(X).shape == (64, 2)
    assert np.mean(ml.predict(X) == Y) > 0.9


def test_divergence_is_reported_not_silent():
    X = np.random.default_rng(0).normal(size=(20, 2)) * 1e3
    with pytest.raises(ValueError, match=r"diverged.*lower learning_rate"):
        MLP(hidden_sizes=(4,), activation="relu", output="identity",
            learning_rate=1e3, epochs=50).fit(X, X[:, 0] * 1e3)


def test_bad_inputs():
    params = init_params((2, 3, 2), random_state=0)
    with pytest.raises(ValueError, match="activation must be one of 'sigmoid'"):
        MLP(activation="gelu").fit(XOR_X, XOR_y)
    with pytest.raises(ValueError, match="output must be one of"):
        forward(XOR_X, params, output="linear")
    with pytest.raises(TypeError, match=r"write hidden_sizes=\(8,\)"):
        MLP(hidden_sizes=8).fit(XOR_X, XOR_y)
    with pytest.raises(ValueError, match="batch_size must be >= 1"):
        MLP(batch_size=0).fit(XOR_X, XOR_y)
    with pytest.raises(ValueError, match="learning_rate must be > 0"):
        MLP(learning_rate=0).fit(XOR_X, XOR_y)
    with pytest.raises(ValueError, match="4 rows in X and 3 in y"):
        MLP().fit(XOR_X, XOR_y[:3])
    with pytest.raises(ValueError, match=r"only one class \(0\)"):
        MLP().fit(XOR_X, 0 * XOR_y)
    with pytest.raises(ValueError, match=r"binary classifier but y has 3 classes.*output='softmax'"):
        MLP(output="sigmoid").fit(XOR_X, [0, 1, 2, 1])
    with pytest.raises(TypeError, match=r"hidden_sizes must be a tuple.*\(\) for no hidden layer"):
        MLP(hidden_sizes=None).fit(XOR_X, XOR_y)
    with pytest.raises(ValueError, match=r"hidden_sizes\[0\] must be >= 1"):
        MLP(hidden_sizes=(0,)).fit(XOR_X, XOR_y)
    with pytest.raises(ValueError, match="only 0 and 1 for output='sigmoid'"):
        MLP(output="sigmoid").fit(XOR_X, np.full((4, 2), 0.5))
    with pytest.raises(AttributeError, match="use predict"):
        MLP(output="identity", epochs=1).fit(XOR_X, XOR_y).predict_proba(XOR_X)
    with pytest.raises(ValueError, match="X has 3 features but W1 expects 2"):
        forward(np.zeros((1, 3)), params)
    with pytest.raises(ValueError, match=r"keys W1, b1, \.\.\., WL, bL"):
        forward(XOR_X, {"W1": params["W1"]})
    with pytest.raises(TypeError, match="dict returned by init_params"):
        forward(XOR_X, [params["W1"], params["b1"]])
    bad = dict(params, b2=np.zeros(3))
    with pytest.raises(ValueError, match="layer 2 does not fit"):
        forward(XOR_X, bad)
    _, cache = forward(XOR_X, params)
    with pytest.raises(ValueError, match=r"cache is missing.*pass the cache"):
        backward(XOR_y, params, {"A0": XOR_X})
    with pytest.raises(TypeError, match="cache must be the dict returned by forward"):
        backward(XOR_y, params, None)
    _, tanh_cache = forward(XOR_X, params, activation="tanh")
    with pytest.raises(ValueError, match=r"cache\['A1'\] is not what params give.*activation='sigmoid'"):
        backward(XOR_y, params, tanh_cache)   # forward ran with tanh, backward told sigmoid
    with pytest.raises(ValueError, match=r"Y must have shape \(4, 2\)"):
        backward(np.zeros((4, 3)), params, cache)
    with pytest.raises(ValueError, match=r"labels 0\.\.1, got 2\.0"):
        backward([0, 1, 2, 0], params, cache)
    _, sigmoid_cache = forward(XOR_X, params, output="sigmoid")
    with pytest.raises(ValueError, match="targets in \\[0, 1\\]"):
        backward(np.full((4, 2), 2.0), params, sigmoid_cache, output="sigmoid")
    with pytest.raises(ValueError, match="at least an input and an output"):
        init_params((3,))
    with pytest.raises(TypeError, match="sequence of ints"):
        init_params(3)
    with pytest.raises(ValueError, match="each layer size must be >= 1"):
        init_params((3, 0, 2))
    with pytest.raises(ValueError, match="NaN"):
        MLP().fit(np.where(XOR_X > 0, np.nan, 0), XOR_y)


def test_labels_map_through_classes():
    names = np.array(["no", "yes"])[XOR_y]
    model = MLP(hidden_sizes=(4,), activation="tanh", output="sigmoid",
                learning_rate=0.5, epochs=1000).fit(XOR_X, names)
    np.testing.assert_array_equal(model.classes_, ["no", "yes"])
    np.testing.assert_array_equal(model.predict(XOR_X), names)


def test_a_loss_that_grows_is_a_divergence_not_a_model():
    # sigmoid units saturate, so a huge rate need not overflow: the loss just
    # ends above where it started (here 2.47 -> 8.8 on standardised digits)
    from calcnotes.datasets import load_digits
    from calcnotes.result import DivergenceError

    X, y = load_digits()
    X = (X - X.mean(axis=0)) / (X.std(axis=0) + 1e-9)
    with pytest.raises(DivergenceError, match=r"the loss grew from 2.469 .* lower learning_rate=500"):
        MLP(hidden_sizes=(16,), learning_rate=500.0, epochs=30).fit(X, y)


def test_full_batch_fit_is_gradient_descent_on_backward():
    # the fit hands backward's gradient (on the flattened weights) to gradient_descent
    from calcnotes.gradient_descent import gradient_descent
    from calcnotes.mlp import backward, forward, init_params
    from calcnotes.mlp import loss as mlp_loss

    rng = np.random.default_rng(5)
    Xg = rng.normal(size=(30, 3))
    yg = (Xg[:, 0] - Xg[:, 1] > 0).astype(int)
    model = MLP(hidden_sizes=(4,), activation="tanh", learning_rate=0.3, epochs=25,
                random_state=7).fit(Xg, yg)
    params = init_params((3, 4, 2), "tanh", np.random.default_rng(7))
    names, shapes = list(params), [p.shape for p in params.values()]
    cuts = np.cumsum([0] + [p.size for p in params.values()])

    def unflatten(theta):
        return {k: theta[a:b].reshape(s) for k, a, b, s in zip(names, cuts[:-1], cuts[1:], shapes, strict=True)}

    def grad(theta):
        P = unflatten(theta)
        _, cache = forward(Xg, P, "tanh", "softmax")
        return np.concatenate([g.ravel() for g in backward(yg, P, cache, "tanh", "softmax").values()])

    def f(theta):
        _, cache = forward(Xg, unflatten(theta), "tanh", "softmax")
        return mlp_loss(yg, cache["Z2"], "softmax")

    theta0 = np.concatenate([p.ravel() for p in params.values()])
    result = gradient_descent(grad, theta0, 0.3, max_iter=25, tol=0.0, f=f)
    for k, v in unflatten(np.asarray(result.x)).items():
        np.testing.assert_allclose(model.params_[k], v, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(model.loss_history_, result.values[:-1], rtol=1e-12)
    assert model.n_iter_ == 25
