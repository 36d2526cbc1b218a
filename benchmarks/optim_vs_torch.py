"""calcnotes.optim against torch.optim: the same trajectory, step for step, in float64.

Run from the repository root (torch is a benchmark dependency only, see
``pip install -e .[bench]``; nothing in calcnotes imports it)::

    python benchmarks/optim_vs_torch.py

Every optimiser of :mod:`calcnotes.optim` runs on the narrow valley of the
chapter "Optimisation in practice" (the squared error E(m, b) of the line
through (1, 2), (2, 5), (3, 3)) and on a random 5-variable quadratic, with
constant rates, each learning-rate schedule, and minibatch gradients; the
same run is repeated with ``torch.optim`` (SGD with momentum, SGD with
Nesterov momentum, Adam; StepLR, ExponentialLR, LambdaLR, CosineAnnealingLR),
the gradient coming from torch autograd. The largest difference between the
two paths over all steps must stay below 1e-12. Results are written to
``benchmarks/optim_vs_torch.json``.
"""

from __future__ import annotations

import json
import platform
from pathlib import Path

import numpy as np
import torch

from calcnotes.optim import (
    CosineDecay,
    ExponentialDecay,
    InverseTimeDecay,
    Minibatches,
    StepDecay,
    adam,
    heavy_ball,
    nesterov,
    stochastic_gradient,
)

ROOT = Path(__file__).resolve().parents[1]
TOLERANCE = 1e-12
N_STEPS = 600
torch.set_default_dtype(torch.float64)

# The valley: E(m, b) = sum_i (m x_i + b - y_i)^2.
X = np.array([1.0, 2.0, 3.0])
Y = np.array([2.0, 5.0, 3.0])


def valley_loss(theta, xb=X, yb=Y):
    """n/B times the squared error of a batch (all three points: E itself), in torch."""
    r = theta[0] * torch.as_tensor(xb) + theta[1] - torch.as_tensor(yb)
    return len(X) / len(xb) * (r**2).sum()


def valley_grad(theta, xb=X, yb=Y):
    """The same, by hand in numpy: 2 r x and 2 r summed over the batch, times n/B."""
    r = theta[0] * xb + theta[1] - yb
    return len(X) / len(xb) * np.array([2 * r @ xb, 2 * r.sum()])


# A random quadratic 1/2 x^T A x - c^T x in 5 variables (condition about 100).
_rng = np.random.default_rng(0)
_Q, _ = np.linalg.qr(_rng.standard_normal((5, 5)))
A = _Q @ np.diag(np.geomspace(0.1, 10.0, 5)) @ _Q.T
C = _rng.standard_normal(5)


def quad_loss(x):
    return 0.5 * x @ torch.as_tensor(A) @ x - torch.as_tensor(C) @ x


def quad_grad(x):
    return A @ x - C


def torch_path(loss_of, x0, make_opt, make_sched=None, n_steps=N_STEPS, batches=None):
    """The iterates of a torch optimiser from x0, gradients by autograd."""
    p = torch.tensor(np.asarray(x0, dtype=float), requires_grad=True)
    opt = make_opt([p])
    sched = make_sched(opt) if make_sched else None
    path = [p.detach().numpy().copy()]
    for k in range(n_steps):
        opt.zero_grad()
        loss = loss_of(p, *batches[k]) if batches is not None else loss_of(p)
        loss.backward()
        opt.step()
        if sched is not None:
            sched.step()
        path.append(p.detach().numpy().copy())
    return np.array(path)


def compare(name, ours, theirs):
    diff = float(np.max(np.abs(ours.path - theirs)))
    ok = ours.path.shape == theirs.shape and diff <= TOLERANCE
    print(f"{name:58s} {ours.n_iter:5d} steps  max |diff| = {diff:.2e}  {'ok' if ok else 'FAIL'}")
    return {"name": name, "steps": ours.n_iter, "max_abs_diff": diff, "passed": ok}


def main() -> int:
    mu, L = np.linalg.eigvalsh(np.array([[28.0, 12.0], [12.0, 6.0]]))
    kappa = L / mu
    polyak = (4 / (np.sqrt(L) + np.sqrt(mu)) ** 2, ((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)) ** 2)
    nest = (1 / L, (np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1))
    SGD, Adam = torch.optim.SGD, torch.optim.Adam
    lr_sched = torch.optim.lr_scheduler
    n = N_STEPS
    runs = []
    problems = [("valley", valley_loss, valley_grad, np.zeros(2)),
                ("quadratic 5-D", quad_loss, quad_grad, np.ones(5))]
    for label, loss, grad, x0 in problems:
        cases = [
            (f"heavy ball, Polyak's eta={polyak[0]:.4f} beta={polyak[1]:.4f}",
             lambda grad=grad, x0=x0: heavy_ball(grad, x0, polyak[0], polyak[1], max_iter=n, tol=0),
             lambda ps: SGD(ps, lr=polyak[0], momentum=polyak[1]), None),
            ("heavy ball, eta=0.05 beta=0.9",
             lambda grad=grad, x0=x0: heavy_ball(grad, x0, 0.05, 0.9, max_iter=n, tol=0),
             lambda ps: SGD(ps, lr=0.05, momentum=0.9), None),
            (f"Nesterov, eta=1/L={nest[0]:.4f} beta={nest[1]:.4f}",
             lambda grad=grad, x0=x0: nesterov(grad, x0, nest[0], nest[1], max_iter=n, tol=0),
             lambda ps: SGD(ps, lr=nest[0], momentum=nest[1], nesterov=True), None),
            ("Adam, eta=0.1",
             lambda grad=grad, x0=x0: adam(grad, x0, 0.1, max_iter=n, tol=0),
             lambda ps: Adam(ps, lr=0.1), None),
            ("Adam, eta=0.05 betas=(0.8, 0.99) eps=1e-6",
             lambda grad=grad, x0=x0: adam(grad, x0, 0.05, (0.8, 0.99), 1e-6, max_iter=n, tol=0),
             lambda ps: Adam(ps, lr=0.05, betas=(0.8, 0.99), eps=1e-6), None),
            ("heavy ball + StepDecay(0.05, 100, 0.5)",
             lambda grad=grad, x0=x0: heavy_ball(grad, x0, StepDecay(0.05, 100, 0.5), 0.9, max_iter=n, tol=0),
             lambda ps: SGD(ps, lr=0.05, momentum=0.9),
             lambda o: lr_sched.StepLR(o, step_size=100, gamma=0.5)),
            ("Nesterov + ExponentialDecay(0.03, 0.995)",
             lambda grad=grad, x0=x0: nesterov(grad, x0, ExponentialDecay(0.03, 0.995), 0.7, max_iter=n, tol=0),
             lambda ps: SGD(ps, lr=0.03, momentum=0.7, nesterov=True),
             lambda o: lr_sched.ExponentialLR(o, gamma=0.995)),
            ("heavy ball + InverseTimeDecay(0.05, 0.01)",
             lambda grad=grad, x0=x0: heavy_ball(grad, x0, InverseTimeDecay(0.05, 0.01), 0.5, max_iter=n, tol=0),
             lambda ps: SGD(ps, lr=0.05, momentum=0.5),
             lambda o: lr_sched.LambdaLR(o, lambda k: 1 / (1 + 0.01 * k))),
            ("Adam + CosineDecay(0.1, n_steps=600, min_rate=0.001)",
             lambda grad=grad, x0=x0: adam(grad, x0, CosineDecay(0.1, n, 0.001), max_iter=n, tol=0),
             lambda ps: Adam(ps, lr=0.1),
             lambda o: lr_sched.CosineAnnealingLR(o, T_max=n, eta_min=0.001)),
        ]
        for name, ours, make_opt, make_sched in cases:
            runs.append(compare(f"{label}: {name}", ours(), torch_path(loss, x0, make_opt, make_sched)))
    # Minibatch SGD on the valley: the same batches for both (calcnotes' seeded stream).
    for batch_size, momentum, use_nesterov in [(1, 0.0, False), (2, 0.9, False), (2, 0.5, True)]:
        batches = Minibatches(X, Y, batch_size=batch_size, epochs=n, seed=0)
        listed = list(batches)[:n]
        g = stochastic_gradient(valley_grad, X, Y, batch_size=batch_size, seed=0)
        method = nesterov if use_nesterov else heavy_ball
        ours = method(g, np.zeros(2), CosineDecay(0.01, n), momentum, max_iter=n, tol=0)
        theirs = torch_path(valley_loss, np.zeros(2),
                            lambda ps, momentum=momentum, use_nesterov=use_nesterov:
                                SGD(ps, lr=0.01, momentum=momentum, nesterov=use_nesterov),
                            lambda o: lr_sched.CosineAnnealingLR(o, T_max=n), batches=listed)
        kind = "Nesterov" if use_nesterov else "momentum"
        runs.append(compare(f"valley, minibatch SGD B={batch_size} {kind} {momentum} + cosine",
                            ours, theirs))
    g = stochastic_gradient(valley_grad, X, Y, batch_size=1, seed=0)
    listed = list(Minibatches(X, Y, batch_size=1, epochs=n, seed=0))[:n]
    runs.append(compare("valley, minibatch Adam B=1, eta=0.01",
                        adam(g, np.zeros(2), 0.01, max_iter=n, tol=0),
                        torch_path(valley_loss, np.zeros(2), lambda ps: Adam(ps, lr=0.01),
                                   batches=listed)))
    passed = all(r["passed"] for r in runs)
    out = {
        "description": __doc__.split("\n")[0],
        "tolerance": TOLERANCE,
        "steps_per_run": N_STEPS,
        "environment": {"python": platform.python_version(), "numpy": np.__version__,
                        "torch": torch.__version__, "machine": platform.machine()},
        "runs": runs,
        "all_passed": passed,
        "largest_difference": max(r["max_abs_diff"] for r in runs),
    }
    (ROOT / "benchmarks" / "optim_vs_torch.json").write_text(json.dumps(out, indent=2) + "\n")
    print(f"\n{sum(r['passed'] for r in runs)} of {len(runs)} runs agree to {TOLERANCE:g}; "
          f"largest difference {out['largest_difference']:.2e}")
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
