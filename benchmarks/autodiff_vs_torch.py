"""calcnotes.autodiff against torch autograd, in float64 (not part of the tests).

Run from the repository root (torch is a benchmark dependency only)::

    python benchmarks/autodiff_vs_torch.py

Every case computes one expression twice, with calcnotes.autodiff and with
torch, and compares the forward value and the gradient of every input, to a
relative tolerance of 1e-12 (plus 1e-15 absolute for entries near zero). The
cases: each operation (with broadcasting), the softmax cross-entropy with
labels, one-hot and soft targets, an MLP for every hidden activation and
output, and the chapter's example f(x, y) = log(xy + e^x). The results go to
``benchmarks/autodiff_vs_torch.json``; the chapter cites the torch gradients
of its example from there (docs/models/autodiff.md).
"""

from __future__ import annotations

import json
import platform
from pathlib import Path

import numpy as np
import torch

from calcnotes.autodiff import Tensor, softmax_cross_entropy
from calcnotes.mlp import init_params

ROOT = Path(__file__).resolve().parents[1]
RTOL, ATOL = 1e-12, 1e-15
rng = np.random.default_rng(0)


def both(build_ours, build_torch, *arrays):
    """Value and gradients from both engines; returns the worst relative error."""
    ours = [Tensor(a) for a in arrays]
    out = build_ours(*ours)
    out.backward()
    theirs = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    out_t = build_torch(*theirs)
    out_t.backward()
    pairs = [(out.data, out_t.detach().numpy())]
    pairs += [(t.grad, tt.grad.numpy()) for t, tt in zip(ours, theirs, strict=True)]
    worst = 0.0
    for a, b in pairs:
        assert a.shape == b.shape, (a.shape, b.shape)
        scale = np.maximum(np.abs(b), ATOL / RTOL)
        worst = max(worst, float(np.max(np.abs(a - b) / scale)))
    return worst, [p[0] for p in pairs], [p[1] for p in pairs]


def weights(shape):
    """A fixed random seed vector, so a sum of outputs tests a generic VJP."""
    return np.random.default_rng(1).normal(size=shape)


def elementwise(name, low):
    X = rng.uniform(low, 3.0, size=(4, 5))
    R = weights(X.shape)
    return both(lambda t: (getattr(t, name)() * R).sum(),
                lambda t: (getattr(torch, name)(t) * torch.tensor(R)).sum(), X)


def cases():
    A, B, b = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=(3,))
    C = rng.normal(size=(4, 1))
    R = weights((4, 3))
    Rt = torch.tensor(R)
    yield "add, broadcast (4, 3) + (3,)", both(
        lambda s, t: ((s + t) * R).sum(), lambda s, t: ((s + t) * Rt).sum(), A, b)
    yield "mul, broadcast (4, 3) * (4, 1)", both(
        lambda s, t: ((s * t) * R).sum(), lambda s, t: ((s * t) * Rt).sum(), A, C)
    yield "sub and neg", both(
        lambda s, t: ((-s - t) * R).sum(), lambda s, t: ((-s - t) * Rt).sum(), A, C)
    R2 = weights((4, 2))
    yield "matmul (4, 3) @ (3, 2)", both(
        lambda s, t: ((s @ t) * R2).sum(), lambda s, t: ((s @ t) * torch.tensor(R2)).sum(),
        A, B)
    yield "matmul (4, 3) @ (3,)", both(
        lambda s, t: ((s @ t) * R[:, 0]).sum(),
        lambda s, t: ((s @ t) * torch.tensor(R[:, 0])).sum(), A, b)
    yield "sum over axis 0, keepdims", both(
        lambda s: (s.sum(axis=0, keepdims=True) * R[:1]).sum(),
        lambda s: (s.sum(dim=0, keepdim=True) * Rt[:1]).sum(), A)
    for name, low in [("exp", -3.0), ("log", 0.1), ("sigmoid", -30.0), ("tanh", -3.0),
                      ("relu", -3.0)]:
        yield name, elementwise(name, low)
    Z, labels = 3 * rng.normal(size=(6, 4)), rng.integers(0, 4, 6)
    soft = rng.dirichlet(np.ones(4), size=6)
    for kind, y, y_t in [("labels", labels, torch.tensor(labels)),
                         ("one-hot", np.eye(4)[labels], torch.tensor(np.eye(4)[labels])),
                         ("soft targets", soft, torch.tensor(soft))]:
        yield f"softmax cross-entropy, {kind}", both(
            lambda z, y=y: softmax_cross_entropy(z, y),
            lambda z, y_t=y_t: torch.nn.functional.cross_entropy(z, y_t), Z)
    Zbig = np.array([[1e4, 0.0, -1e4], [0.0, 0.0, 0.0]])
    yield "softmax cross-entropy, logits of 1e4", both(
        lambda z: softmax_cross_entropy(z, [2, 0]),
        lambda z: torch.nn.functional.cross_entropy(z, torch.tensor([2, 0])), Zbig)
    yield from mlp_cases()
    yield "chapter example log(xy + e^x) at (0.5, 2)", both(
        lambda x, y: (x * y + x.exp()).log(), lambda x, y: torch.log(x * y + torch.exp(x)),
        np.array(0.5), np.array(2.0))


def mlp_cases():
    sizes, n = (4, 6, 5, 3), 8
    for activation in ("sigmoid", "tanh", "relu"):
        params = init_params(sizes, activation, random_state=3)
        for k in params:
            params[k] = params[k] + 0.1 * rng.normal(size=params[k].shape)
        X, labels = rng.normal(size=(n, sizes[0])), rng.integers(0, sizes[-1], n)
        Yb = rng.integers(0, 2, (n, sizes[-1])).astype(float)
        Yr = rng.normal(size=(n, sizes[-1]))
        keys = list(params)
        for output in ("softmax", "sigmoid", "identity"):

            def ours(*P, activation=activation, output=output, X=X, labels=labels, Yb=Yb, Yr=Yr):
                A = Tensor(X)
                for l in range(3):
                    A = A @ P[2 * l] + P[2 * l + 1]
                    if l < 2:
                        A = getattr(A, activation)()
                if output == "softmax":
                    return softmax_cross_entropy(A, labels)
                if output == "sigmoid":
                    S = A.sigmoid()
                    return -(Yb * S.log() + (1 - Yb) * (1 - S).log()).sum() * (1 / Yb.size)
                return ((A - Yr) * (A - Yr)).sum() * (1 / Yr.size)

            def theirs(*P, activation=activation, output=output, X=X, labels=labels, Yb=Yb, Yr=Yr):
                A = torch.tensor(X)
                for l in range(3):
                    A = A @ P[2 * l] + P[2 * l + 1]
                    if l < 2:
                        A = getattr(torch, activation)(A)
                F = torch.nn.functional
                if output == "softmax":
                    return F.cross_entropy(A, torch.tensor(labels))
                if output == "sigmoid":
                    return F.binary_cross_entropy_with_logits(A, torch.tensor(Yb))
                return F.mse_loss(A, torch.tensor(Yr))

            yield f"MLP {sizes}, {activation} hidden, {output} output", both(
                ours, theirs, *[params[k] for k in keys])


def main() -> int:
    torch.set_default_dtype(torch.float64)
    results, failed = {}, []
    print(f"{'case':58} {'worst relative error':>22}")
    for name, (worst, _ours, theirs) in cases():
        results[name] = worst
        ok = worst <= RTOL
        failed += [] if ok else [name]
        print(f"{name:58} {worst:22.2e}{'' if ok else '  FAIL'}")
        if name.startswith("chapter example"):
            example = {"value": float(theirs[0]), "grad_x": float(theirs[1]),
                       "grad_y": float(theirs[2])}
    report = {
        "command": "python benchmarks/autodiff_vs_torch.py",
        "torch": torch.__version__, "numpy": np.__version__,
        "python": platform.python_version(), "dtype": "float64",
        "tolerance": {"rtol": RTOL, "atol": ATOL},
        "cases": results, "all_within_tolerance": not failed,
        "worst": max(results.values()),
        "chapter_example_torch": example,
    }
    out = Path(__file__).with_name("autodiff_vs_torch.json")
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\n{len(results)} cases, worst {report['worst']:.2e}; "
          f"{'all within' if not failed else 'FAILED'} rtol {RTOL:g}; wrote {out.name}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
