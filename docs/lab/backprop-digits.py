# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Backpropagation from scratch on handwritten digits
#
# This lab trains a small neural network on real handwriting: the 1,797
# scanned digits that ship with scikit-learn, each an $8 \times 8$ image of
# grey levels $0, \dots, 16$. Every step uses `calcnotes.mlp`, whose
# backpropagation is written by hand in numpy (see
# [Backpropagation](../models/backprop.md) for the derivation), and every
# claim is asserted: if training broke, the notebook (and the site build)
# would fail.
#
# The network has one hidden layer of tanh units and a softmax output. With
# one sample per row of $X$,
#
# $$
# \begin{aligned}
# Z_1 &= X W_1 + b_1, & A_1 &= \tanh(Z_1), \\
# Z_2 &= A_1 W_2 + b_2, & P &= \operatorname{softmax}(Z_2),
# \end{aligned}
# $$
#
# and the loss is the mean cross-entropy
# $L = -\frac1n \sum_{i} \sum_{j} Y_{ij} \log P_{ij}$ with one-hot targets $Y$.
# Backpropagation gives, from $dZ_2 = (P - Y)/n$,
#
# $$
# \begin{aligned}
# dW_2 &= A_1^T dZ_2, & db_2 &= \mathbf 1^T dZ_2, \\
# dZ_1 &= (dZ_2 W_2^T) \odot (1 - A_1^2), \\
# dW_1 &= X^T dZ_1, & db_1 &= \mathbf 1^T dZ_1 .
# \end{aligned}
# $$
#
# Download this notebook (link at the top of the page) to run it yourself.

# %%
import numpy as np
from IPython.display import HTML, display

from calcnotes.datasets import load_digits
from calcnotes.gradcheck import check_gradient
from calcnotes.mlp import MLP, backward, forward, init_params, loss
from calcnotes.site import figure_html, new_figure

X, y = load_digits()  # the file bundled with scikit-learn: nothing is downloaded
print(f"{X.shape[0]} images of {X.shape[1]} pixels, labels {sorted(set(y.tolist()))}")
assert X.shape == (1797, 64) and set(y) == set(range(10))

# %% [markdown]
# ## Standardise
#
# Hold out a quarter of the images (stratified, so every digit appears in
# both parts) and standardise each pixel with the training mean $\mu$ and
# standard deviation $\sigma$: $x \mapsto (x - \mu)/\sigma$. Some border
# pixels are blank in every training image ($\sigma = 0$); they are left at 0.

# %%
# A seeded stratified split: a quarter of each digit's images for testing.
rng = np.random.default_rng(0)
test = np.zeros(len(y), dtype=bool)
for digit in range(10):
    members = rng.permutation(np.flatnonzero(y == digit))
    test[members[: round(0.25 * len(members))]] = True
X_train, X_test, y_train, y_test = X[~test], X[test], y[~test], y[test]
assert set(y_test) == set(y_train) == set(range(10))
mu = X_train.mean(axis=0)
sigma = X_train.std(axis=0)
sigma[sigma == 0] = 1.0  # constant pixels: x - mu = 0 anyway
X_train = (X_train - mu) / sigma
X_test = (X_test - mu) / sigma
print(f"train {X_train.shape}, test {X_test.shape}")
assert np.allclose(X_train.mean(axis=0), 0) and X_train.std(axis=0).max() <= 1 + 1e-12

# %% [markdown]
# ## Check the gradient before training
#
# A bug in backpropagation rarely crashes: the network just learns badly.
# So first compare `backward` with central differences of the loss, for every
# weight matrix and bias of a small network on a few images. The relative
# error $\lVert a - n \rVert / (\lVert a \rVert + \lVert n \rVert)$ is about
# $10^{-10}$ for a correct gradient and near 1 for a wrong one.

# %%
rng = np.random.default_rng(0)
rows = rng.choice(len(X_train), size=10, replace=False)
X_small, y_small = X_train[rows], y_train[rows]
params = init_params((64, 8, 10), activation="tanh", random_state=0)


def loss_in(name):
    """The loss as a function of one parameter array, the others fixed."""
    def f(p):
        _, cache = forward(X_small, {**params, name: p}, activation="tanh")
        return loss(y_small, cache["Z2"])
    return f


def grad_in(name):
    """backward's gradient for that parameter array."""
    def grad(p):
        trial = {**params, name: p}
        _, cache = forward(X_small, trial, activation="tanh")
        return backward(y_small, trial, cache, activation="tanh")[name]
    return grad


for name in params:
    result = check_gradient(loss_in(name), grad_in(name), params[name])
    print(f"{name:>2} {str(params[name].shape):>8}  relative error {result.relative_error:.1e}")
    assert result.passed, name

# The check can fail: a gradient missing the tanh derivative is caught.
def grad_without_tanh_derivative(p):
    _, cache = forward(X_small, {**params, "W1": p}, activation="tanh")
    dZ2 = (cache["A2"] - np.eye(10)[y_small]) / len(y_small)
    return X_small.T @ (dZ2 @ params["W2"].T)  # should be * (1 - A1**2)


wrong = check_gradient(loss_in("W1"), grad_without_tanh_derivative, params["W1"])
print(f"without tanh': relative error {wrong.relative_error:.1e}")
assert not wrong.passed

# %% [markdown]
# ## Train
#
# Minibatch gradient descent: batches of 32 images, 40 passes over the
# training set, learning rate $\eta = 0.1$, each step
# $W \leftarrow W - \eta\, dW$.

# %%
model = MLP(
    hidden_sizes=(32,),
    activation="tanh",
    output="softmax",
    learning_rate=0.1,
    batch_size=32,
    epochs=40,
    random_state=0,
).fit(X_train, y_train)
history = model.loss_history_
print(f"loss: epoch 1 {history[0]:.3f}, epoch {len(history)} {history[-1]:.4f}")
assert history[0] > 0.5                 # epoch 1 starts untrained (log 10 = 2.3)
assert history[-1] < 0.05 * history[0]  # training drove the loss down ...
assert np.all(np.diff(history[-10:]) < 0.02)  # ... and it has settled

fig, ax = new_figure()
ax.plot(np.arange(1, len(history) + 1), history, label="training loss")
ax.set_yscale("log")
ax.set_xlabel("epoch")
ax.set_ylabel("mean cross-entropy")
ax.legend()
display(HTML(figure_html(fig, caption="Training loss per epoch (log scale).")))

# %% [markdown]
# ## Test accuracy
#
# The test images were never seen in training. Chance is 10 %.

# %%
predicted = model.predict(X_test)
accuracy = np.mean(predicted == y_test)
print(f"test accuracy {accuracy:.1%} on {len(y_test)} images "
      f"({np.sum(predicted != y_test)} wrong)")
assert accuracy > 0.95, accuracy
assert np.mean(model.predict(X_train) == y_train) >= accuracy  # no better on unseen data

# %% [markdown]
# ## What it gets wrong
#
# The misclassified test images, with the true label and the network's
# guess. Most are badly written or ambiguous even to a person.

# %%
wrong_rows = np.flatnonzero(predicted != y_test)[:8]
assert len(wrong_rows) > 0  # a perfect score would deserve suspicion
fig, axes = new_figure(8.0, 2.4, ncols=len(wrong_rows))
axes = np.atleast_1d(axes)
images = X_test * sigma + mu  # back to grey levels for display
for ax, i in zip(axes, wrong_rows):
    ax.imshow(images[i].reshape(8, 8), cmap="gray_r", vmin=0, vmax=16)
    ax.set_title(f"{y_test[i]} → {predicted[i]}", fontsize=11)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
display(HTML(figure_html(fig, caption="Misclassified test digits: true label → predicted label.")))
