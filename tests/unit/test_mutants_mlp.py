"""Behaviour of calcnotes.mlp that the mutation run found unpinned.

Pins the training options of ``MLP`` (minibatch order and size, epochs, the
loss history, early stopping on an exactly-zero gradient, the divergence
check, the documented defaults), the checks of the public functions
(``init_params``, ``forward``, ``backward``, ``loss``), ``score``,
``predict`` and ``predict_proba``.

Expected values come from a training loop written with the public functions
``forward``, ``backward`` and ``loss`` following the documented contract
(batch j of epoch e is rows ``perm_e[j B:(j + 1) B]`` of one
``rng.permutation(n)`` per epoch, drawn after ``init_params``; the history
is the size-weighted mean of the losses each step saw), or by hand on
networks whose input is all zeros: then only the output bias moves, and the
mean squared error of a constant target c is ``(b - c)^2`` with gradient
``2 (b - c)``, so a step of rate eta maps the error e to ``(1 - 2 eta) e``.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

import calcnotes.mlp as mlp
from calcnotes.mlp import MLP, backward, forward, init_params, loss
from calcnotes.result import DivergenceError


def _manual_fit(X, Y, sizes, activation, output, learning_rate, batch, epochs, seed):
    """Minibatch gradient descent written with the public functions (see the module docstring)."""
    rng = np.random.default_rng(seed)
    params = init_params(sizes, activation, rng)
    L, n = len(sizes) - 1, X.shape[0]
    history = []
    for _ in range(epochs):
        order = rng.permutation(n) if batch < n else np.arange(n)
        total = 0.0
        for start in range(0, n, batch):
            idx = order[start:start + batch]
            _, cache = forward(X[idx], params, activation, output)
            total += loss(Y[idx], cache[f"Z{L}"], output) * idx.size / n
            grads = backward(Y[idx], params, cache, activation, output)
            params = {k: params[k] - learning_rate * grads[k] for k in params}
        history.append(total)
    return params, np.array(history)


def _assert_same_params(got, expected):
    assert sorted(got) == sorted(expected)
    for k in expected:
        np.testing.assert_allclose(got[k], expected[k], rtol=1e-12, atol=1e-14)


# --- training options ------------------------------------------------------------


def test_minibatch_sigmoid_network_with_two_hidden_layers_matches_the_manual_loop():
    # 10 rows in batches of 4: 3 steps per epoch (4, 4, 2 rows), a fresh permutation each epoch
    rng = np.random.default_rng(1)
    X = rng.normal(size=(10, 3))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    X_before = X.copy()
    model = MLP(hidden_sizes=(4, 3), activation="tanh", output="sigmoid", learning_rate=0.5,
                batch_size=4, epochs=3, random_state=3).fit(X, y)
    params, history = _manual_fit(X, y[:, None].astype(float), (3, 4, 3, 1), "tanh", "sigmoid",
                                  0.5, 4, 3, 3)
    _assert_same_params(model.params_, params)
    np.testing.assert_allclose(model.loss_history_, history, rtol=1e-12)
    assert model.n_iter_ == 3 and model.n_outputs_ == 1
    np.testing.assert_array_equal(X, X_before)  # fit shuffles copies, never the caller's X


def test_minibatch_regression_with_a_hidden_layer_matches_the_manual_loop():
    # two targets; 7 rows in batches of 3 (3, 3, 1 rows)
    rng = np.random.default_rng(2)
    X = rng.normal(size=(7, 2))
    Y = np.column_stack([X[:, 0] - X[:, 1], 0.5 * X[:, 0]])
    model = MLP(hidden_sizes=(3,), activation="relu", output="identity", learning_rate=0.1,
                batch_size=3, epochs=2, random_state=4).fit(X, Y)
    params, history = _manual_fit(X, Y, (2, 3, 2), "relu", "identity", 0.1, 3, 2, 4)
    _assert_same_params(model.params_, params)
    np.testing.assert_allclose(model.loss_history_, history, rtol=1e-12)
    assert model.n_outputs_ == 2 and model.n_features_in_ == 2
    assert model.predict(X).shape == (7, 2)


def test_full_batch_softmax_network_with_two_hidden_layers_matches_the_manual_loop():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(9, 2))
    y = np.array([0, 1, 2, 0, 1, 2, 0, 1, 2])
    model = MLP(hidden_sizes=(3, 4), activation="sigmoid", learning_rate=0.7, epochs=4,
                random_state=5).fit(X, y)
    params, history = _manual_fit(X, y, (2, 3, 4, 3), "sigmoid", "softmax", 0.7, 9, 4, 5)
    _assert_same_params(model.params_, params)
    np.testing.assert_allclose(model.loss_history_, history, rtol=1e-12)
    assert model.n_outputs_ == 3


def test_training_stops_when_the_gradient_is_exactly_zero():
    # X = 0: only the output bias b moves. Target c = 2^-6, b0 = 0: the gradient is 2 (0 - c) = -2^-5 and a
    # step of 0.5 lands exactly on b = c, where the gradient is exactly 0: one epoch run, history [c^2]
    X, c = np.zeros((4, 1)), 2.0**-6
    model = MLP(hidden_sizes=(), output="identity", learning_rate=0.5, epochs=5).fit(X, np.full(4, c))
    assert model.n_iter_ == 1
    np.testing.assert_array_equal(model.loss_history_, [c * c])
    np.testing.assert_array_equal(model.params_["b1"], [c])
    # minibatches of 2: the first batch's step (loss c^2, weight 2/4) lands on c; the second batch sees
    # loss 0 and a zero gradient, so training stops inside epoch 1: history [c^2 / 2]
    mini = MLP(hidden_sizes=(), output="identity", learning_rate=0.5, batch_size=2,
               epochs=5).fit(X, np.full(4, c))
    assert mini.n_iter_ == 1
    np.testing.assert_array_equal(mini.loss_history_, [c * c / 2])


def test_a_zero_gradient_at_the_start_gives_one_epoch_and_the_initial_weights():
    # X = 0 and y = 0: the output is b = 0 = y, so the loss and every gradient are exactly 0 before any step
    # (this used to raise IndexError: the history was cut to zero epochs)
    model = MLP(hidden_sizes=(), output="identity", epochs=5, random_state=2).fit(np.zeros((3, 2)), np.zeros(3))
    assert model.n_iter_ == 1
    np.testing.assert_array_equal(model.loss_history_, [0.0])
    np.testing.assert_array_equal(model.params_["W1"], init_params((2, 1), random_state=2)["W1"])


def test_small_but_nonzero_gradients_do_not_stop_training():
    # X = 0, c = 1, eta = 1/4: the error halves each epoch, so epoch k starts at b = 1 - 2^-k with
    # loss 4^-k (exact in floating point); the gradient 2^(1-k) passes 1e-8 near k = 28 but is never 0
    model = MLP(hidden_sizes=(), output="identity", learning_rate=0.25, epochs=40).fit(np.zeros((4, 1)), np.ones(4))
    assert model.n_iter_ == 40
    np.testing.assert_array_equal(model.loss_history_, 4.0 ** -np.arange(40))


def test_a_loss_that_grows_by_44_percent_is_a_divergence():
    # X = 0, c = 1, eta = 1.1: e -> (1 - 2.2) e = -1.2 e, so the loss goes from 1 to 1.44 in two epochs
    with pytest.raises(DivergenceError):
        MLP(hidden_sizes=(), output="identity", learning_rate=1.1, epochs=2).fit(np.zeros((4, 1)), np.ones(4))


def test_weights_that_blow_up_are_a_divergence_error():
    # eta = 100: e -> -199 e each step, past the optimiser's bound 1e12 within six steps
    with pytest.raises(DivergenceError):
        MLP(hidden_sizes=(), output="identity", learning_rate=100.0, epochs=50).fit(np.zeros((4, 1)), np.ones(4))


def test_a_wide_network_trained_for_many_epochs_keeps_no_path():
    # 3 * 4000 + 1 weights and 10,000 epochs: storing every iterate would be 1.2e8 numbers. With X = 0 and
    # relu, the hidden layer is relu(0) = 0, so (as in the zero-gradient test) one step of 0.5 puts the output
    # bias on c = 2^-6 and the gradient is then exactly 0
    model = MLP(hidden_sizes=(4000,), activation="relu", output="identity", learning_rate=0.5,
                epochs=10_000).fit(np.zeros((2, 1)), np.full(2, 2.0**-6))
    assert model.n_iter_ == 1
    np.testing.assert_array_equal(model.params_["b2"], [2.0**-6])


def test_documented_defaults():
    # learning_rate=0.1 and epochs=100 (the class docstring)
    model = MLP()
    assert model.learning_rate == 0.1 and model.epochs == 100
    X = np.array([[-1.0], [1.0]])
    fitted = MLP(hidden_sizes=(2,)).fit(X, [0, 1])
    explicit = MLP(hidden_sizes=(2,), learning_rate=0.1, epochs=100).fit(X, [0, 1])
    assert fitted.n_iter_ == 100
    np.testing.assert_array_equal(fitted.params_["W1"], explicit.params_["W1"])


# --- MLP's checks, score, predictions ---------------------------------------------


def test_fit_rejects_bad_settings_and_shapes_with_value_errors():
    X, y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([0, 1, 0, 1])
    with pytest.raises(ValueError, match=r"\boutput\b"):
        MLP(output="linear").fit(X, y)
    with pytest.raises(ValueError, match="epochs"):
        MLP(epochs=0).fit(X, y)
    with pytest.raises(ValueError):
        MLP().fit(np.zeros(4), y)  # X must be 2-D
    for output, bad_y in [("sigmoid", np.zeros((4, 2, 1))), ("sigmoid", 1.0), ("identity", np.zeros((4, 2, 1)))]:
        with pytest.raises(ValueError) as info:
            MLP(hidden_sizes=(), output=output, epochs=1).fit(X, bad_y)
        assert not isinstance(info.value, DivergenceError)  # a wrong y, not a failed training


def test_multilabel_classes_are_0_and_1():
    X = np.array([[0.0], [1.0], [2.0]])
    Y = np.array([[0, 1], [1, 1], [1, 0]])
    model = MLP(hidden_sizes=(), output="sigmoid", epochs=2).fit(X, Y)
    np.testing.assert_array_equal(model.classes_, [0, 1])
    assert model.n_outputs_ == 2


def test_score_is_r2_for_regression_and_accuracy_for_classification():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(12, 2))
    t = X[:, 0] - 2 * X[:, 1]
    reg = MLP(hidden_sizes=(), output="identity", learning_rate=0.1, epochs=5).fit(X, t)
    p = reg.predict(X)
    r2 = 1 - np.sum((t - p) ** 2) / np.sum((t - t.mean()) ** 2)  # R^2 by its definition
    assert reg.score(X, t) == pytest.approx(r2, rel=1e-12)
    y = np.array(["a", "b", "c"])[np.arange(12) % 3]
    clf = MLP(hidden_sizes=(3,), epochs=3).fit(X, y)
    assert clf.score(X, y) == pytest.approx(np.mean(clf.predict(X) == y))  # accuracy


def test_predict_proba_of_softmax_is_the_network_output_in_class_order():
    X = np.array([[-1.0], [1.0], [-2.0], [2.0]])
    model = MLP(hidden_sizes=(), learning_rate=1.0, epochs=20).fit(X, ["no", "yes", "no", "yes"])
    A, _ = forward(X, model.params_, "sigmoid", "softmax")
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba, A, rtol=1e-14)
    np.testing.assert_array_equal(model.classes_[proba.argmax(axis=1)], ["no", "yes", "no", "yes"])
    three = MLP(hidden_sizes=(), epochs=2).fit(np.arange(6.0)[:, None], [0, 1, 2, 0, 1, 2])
    assert three.predict_proba(np.zeros((2, 1))).shape == (2, 3)


def test_sigmoid_predicts_the_second_class_at_probability_one_half():
    # the documented rule is p >= 1/2; all-zero weights give p = sigmoid(0) = 1/2 exactly
    model = MLP(hidden_sizes=(), output="sigmoid", epochs=2).fit([[0.0], [1.0]], ["a", "b"])
    model.params_ = {"W1": np.zeros((1, 1)), "b1": np.zeros(1)}
    np.testing.assert_array_equal(model.predict([[3.0]]), ["b"])
    np.testing.assert_array_equal(model.predict_proba([[3.0]]), [[0.5, 0.5]])


def test_predict_on_overflowing_input_is_a_value_error_without_numpy_warnings():
    # the fitted W1 is about [-1.64, 1.63]: x = 1.5e308 gives the logits [-inf, inf] (overflow in the product,
    # then inf - inf in the softmax); the prediction check reports it
    X = np.array([[-1.0], [1.0], [-2.0], [2.0]])
    model = MLP(hidden_sizes=(), learning_rate=1.0, epochs=20).fit(X, [0, 1, 0, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError):
            model.predict([[1.5e308]])


# --- the public functions -------------------------------------------------------------


def test_init_params_counts_weights_and_biases_against_the_limit(monkeypatch):
    # (n_in + 1) * n_out parameters per layer; the limit is inclusive ("at most")
    monkeypatch.setattr(mlp, "MAX_PARAMETERS", 20)
    assert init_params((4, 4), random_state=0)["W1"].shape == (4, 4)  # 5 * 4 = 20
    with pytest.raises(ValueError):
        init_params((3, 4, 1), random_state=0)  # 4 * 4 + 5 * 1 = 21
    with pytest.raises(ValueError):
        init_params((1, 2, 3, 2), random_state=0)  # 2 * 2 + 3 * 3 + 4 * 2 = 21


def test_choice_errors_name_the_argument():
    params = init_params((2, 2), random_state=0)
    X = np.zeros((1, 2))
    _, cache = forward(X, params)
    with pytest.raises(ValueError, match=r"\bactivation\b"):
        init_params((2, 2), activation="gelu")
    with pytest.raises(ValueError, match=r"\bactivation\b"):
        forward(X, params, activation="gelu")
    with pytest.raises(ValueError, match=r"\bactivation\b"):
        backward([0], params, cache, activation="gelu")
    with pytest.raises(ValueError, match=r"\boutput\b"):
        backward([0], params, cache, output="linear")
    with pytest.raises(ValueError, match=r"\boutput\b"):
        loss([0], [[0.0, 0.0]], output="linear")


def test_forward_returns_the_last_layer_of_a_deep_network():
    params = init_params((2, 5, 3), "tanh", random_state=1)
    X = np.array([[0.5, -1.0], [2.0, 0.0]])
    A_out, cache = forward(X, params, "tanh", "softmax")
    # by the layer formulas: A1 = tanh(X W1 + b1), Z2 = A1 W2 + b2, softmax by rows
    Z2 = np.tanh(X @ params["W1"] + params["b1"]) @ params["W2"] + params["b2"]
    expected = np.exp(Z2) / np.exp(Z2).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(A_out, expected, rtol=1e-13)
    assert A_out is cache["A2"]


def test_params_and_inputs_of_the_wrong_dimension_are_value_errors():
    X = np.zeros((3, 2))
    W1, b1 = np.zeros((2, 3)), np.zeros(3)
    with pytest.raises(ValueError):
        forward(X, {"W1": W1, "c1": b1})  # the keys must be W1, b1
    with pytest.raises(ValueError, match="W1"):
        forward(X, {"W1": np.zeros(2), "b1": b1})
    with pytest.raises(ValueError, match="b1"):
        forward(X, {"W1": W1, "b1": 0.0})
    with pytest.raises(ValueError):
        forward(X, {"W1": W1, "b1": np.zeros((3, 1))})  # would broadcast to a (3, 3) Z1
    with pytest.raises(ValueError):
        forward(np.zeros(2), {"W1": W1, "b1": b1})
    with pytest.raises(ValueError):
        loss([0, 1], [0.0, 0.0])  # Z_out must be 2-D


def test_backward_checks_every_layer_of_the_cache():
    params = init_params((2, 2), random_state=0)
    X = np.array([[1.0, 2.0]])
    with pytest.raises(ValueError):
        backward([0], params, {"A0": X})  # A1 missing
    with pytest.raises(ValueError, match="A0"):
        backward([0], params, {"A0": X[0], "A1": np.full((1, 2), 0.5)})
    with pytest.raises(ValueError, match="A1"):
        backward([0], params, {"A0": X, "A1": np.array([0.5, 0.5])})


def test_backward_refuses_a_cache_off_by_a_relative_1e_7_or_an_absolute_1e_10():
    params = {"W1": np.array([[1.0, -1.0], [2.0, 0.5]]), "b1": np.zeros(2),
              "W2": np.array([[1.0], [-1.0]]), "b2": np.zeros(1)}
    X = np.array([[1.0, 1.0], [-1.0, -1.0]])  # relu: Z1 = [[3, -0.5], [-3, 0.5]], so A1 has exact zeros
    _, cache = forward(X, params, "relu", "identity")
    assert cache["A1"][0, 1] == 0.0
    backward([1.0, 0.0], params, cache, "relu", "identity")  # the cache itself is accepted
    scaled = dict(cache, A1=cache["A1"] * (1 + 1e-7))
    with pytest.raises(ValueError):
        backward([1.0, 0.0], params, scaled, "relu", "identity")
    shifted = dict(cache, A1=cache["A1"] + np.array([[0.0, 1e-10], [0.0, 0.0]]))
    with pytest.raises(ValueError):
        backward([1.0, 0.0], params, shifted, "relu", "identity")


def test_overflow_in_the_public_functions_is_a_value_error_without_numpy_warnings():
    # W1 = [[10, -10]] and x = 1e308: the logits are [inf, -inf] (overflow in the product, then inf - inf in
    # the softmax); each function's own check reports it as a ValueError
    params = {"W1": np.array([[10.0, -10.0]]), "b1": np.zeros(2)}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError):
            forward([[1e308]], params)
        with pytest.raises(ValueError):
            backward([0], params, {"A0": np.array([[1e308]]), "A1": np.array([[0.5, 0.5]])})
        with pytest.raises(ValueError):
            loss([[0.0]], [[1e200]], "identity")  # the squared error overflows


@pytest.mark.parametrize(("batch_size", "epochs", "expected"), [(None, 6, "6"), (2, 50, "3")])
def test_a_blow_up_is_reported_in_the_epoch_of_the_step_that_passed_the_bound(batch_size, epochs, expected):
    # The epoch in the message is computed for the reader, not wording. X = 0, c = 1, eta = 100, b0 = 0:
    # every step (full batch, or each minibatch: the rows are identical) maps the error e = c - b to -199 e,
    # so after step k |b| = |1 - (-199)^k|: 3.1e11 after step 5, 6.2e13 > 1e12 (the optimiser's bound for a
    # start within [-1, 1]) after step 6. One step an epoch puts step 6 in epoch 6 (the last one: epochs=6);
    # two minibatches an epoch put it in epoch 3.
    assert abs(1 - (-199.0) ** 5) < 1e12 < abs(1 - (-199.0) ** 6)
    model = MLP(hidden_sizes=(), output="identity", learning_rate=100.0, epochs=epochs, batch_size=batch_size)
    with pytest.raises(DivergenceError) as caught:
        model.fit(np.zeros((4, 1)), np.ones(4))
    assert re.findall(r"diverged in epoch (\S+) \(", str(caught.value)) == [expected]
