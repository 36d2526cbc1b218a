"""Benchmarks of calcnotes' ML half against its peers (not part of the tests).

Run from the repository root::

    python benchmarks/run.py                      # label "default"
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/run.py \
        --label no-openblas-coretype

Each run prints a table and merges its results under ``runs[label]`` in
``benchmarks/results.json`` (read by ``docs/performance.md``). Datasets ship
with scikit-learn (nothing is downloaded); peers are PyTorch (CPU, float64)
and scikit-learn. Timings are the best of ``--repeats`` runs (the minimum is
the least noisy estimate on a shared machine).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np

import calcnotes
from calcnotes.activations import sigmoid, sigmoid_derivative
from calcnotes.differences import central_difference, complex_step
from calcnotes.logistic_regression import LogisticRegression
from calcnotes.mlp import MLP, backward, forward, init_params
from calcnotes.softmax_regression import SoftmaxRegression

ROOT = Path(__file__).resolve().parents[1]
SEED = 0


def best_time(fn, repeats):
    """Return (best wall time in seconds, last result) over `repeats` calls."""
    best, out = np.inf, None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def digits_split():
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    X, y = load_digits(return_X_y=True)
    X_tr, X_te, y_tr, y_te = train_test_split(
        X, y, test_size=0.2, random_state=SEED, stratify=y)
    scaler = StandardScaler().fit(X_tr)
    return scaler.transform(X_tr), scaler.transform(X_te), y_tr, y_te


# --- MLP vs PyTorch ----------------------------------------------------------


def torch_mlp(params, X_tr, y_tr, X_te, learning_rate, batch_size, epochs,
              random_state):
    """Train the same network in PyTorch with the same init and batches."""
    import torch

    Ws = [params[f"W{l}"] for l in (1, 2)]
    bs = [params[f"b{l}"] for l in (1, 2)]
    net = torch.nn.Sequential(
        torch.nn.Linear(*Ws[0].shape), torch.nn.Sigmoid(),
        torch.nn.Linear(*Ws[1].shape)).double()
    with torch.no_grad():
        for layer, W, b in zip((net[0], net[2]), Ws, bs, strict=True):
            layer.weight.copy_(torch.from_numpy(W.T))
            layer.bias.copy_(torch.from_numpy(b))
    opt = torch.optim.SGD(net.parameters(), lr=learning_rate)
    loss_fn = torch.nn.CrossEntropyLoss()
    n = len(y_tr)
    Xt, yt = torch.from_numpy(X_tr), torch.from_numpy(y_tr.astype(np.int64))
    # the permutations MLP.fit draws: init first, then one per epoch
    rng = np.random.default_rng(random_state)
    init_params((X_tr.shape[1], Ws[0].shape[1], Ws[1].shape[1]), "sigmoid", rng)
    perms = [torch.from_numpy(rng.permutation(n)) if batch_size < n else None
             for _ in range(epochs)]

    def train():
        for perm in perms:
            Xe, ye = (Xt, yt) if perm is None else (Xt[perm], yt[perm])
            total = 0.0
            for start in range(0, n, batch_size):
                xb, yb = Xe[start:start + batch_size], ye[start:start + batch_size]
                opt.zero_grad()
                loss = loss_fn(net(xb), yb)
                loss.backward()
                opt.step()
                total += loss.item() * len(yb)
        return net

    seconds = time.perf_counter()
    train()
    seconds = time.perf_counter() - seconds
    with torch.no_grad():
        pred = net(torch.from_numpy(X_te)).argmax(dim=1).numpy()
    trained = {"W1": net[0].weight.detach().numpy().T, "b1": net[0].bias.detach().numpy(),
               "W2": net[2].weight.detach().numpy().T, "b2": net[2].bias.detach().numpy()}
    return seconds, pred, trained


def gradient_difference(params, Xb, yb):
    """Largest |calcnotes backprop - torch autograd| over all parameters."""
    import torch

    _, cache = forward(Xb, params, "sigmoid", "softmax")
    ours = backward(yb, params, cache, "sigmoid", "softmax")
    tp = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    A1 = torch.sigmoid(torch.from_numpy(Xb) @ tp["W1"] + tp["b1"])
    Z2 = A1 @ tp["W2"] + tp["b2"]
    torch.nn.functional.cross_entropy(Z2, torch.from_numpy(yb.astype(np.int64))).backward()
    return max(float(np.max(np.abs(ours[k] - tp[k].grad.numpy()))) for k in params)


def bench_mlp(repeats):
    X_tr, X_te, y_tr, y_te = digits_split()
    sizes = (64, 64, 10)
    rows = []
    for label, batch_size, lr, epochs in [("minibatch 32", 32, 0.1, 10),
                                          ("full batch", None, 1.0, 100)]:
        kw = dict(hidden_sizes=(64,), activation="sigmoid", output="softmax",
                  learning_rate=lr, batch_size=batch_size, epochs=epochs,
                  random_state=SEED)
        t_ours, model = best_time(lambda kw=kw: MLP(**kw).fit(X_tr, y_tr), repeats)
        params0 = init_params(sizes, "sigmoid", np.random.default_rng(SEED))
        t_torch = np.inf
        for _ in range(repeats):
            t, pred_torch, trained = torch_mlp(
                params0, X_tr, y_tr, X_te, lr, batch_size or len(y_tr), epochs, SEED)
            t_torch = min(t_torch, t)
        acc_ours = float(np.mean(model.predict(X_te) == y_te))
        acc_torch = float(np.mean(pred_torch == y_te))
        param_diff = max(float(np.max(np.abs(model.params_[k] - trained[k])))
                         for k in trained)
        nb = 32 if batch_size else len(y_tr)
        grad_diff = gradient_difference(params0, X_tr[:nb], y_tr[:nb])
        ratio = t_ours / t_torch
        rows.append({
            "benchmark": f"MLP 64-64-10 digits, {label}",
            "epochs": epochs, "learning_rate": lr,
            "calcnotes_ms_per_epoch": 1e3 * t_ours / epochs,
            "torch_ms_per_epoch": 1e3 * t_torch / epochs,
            "time_ratio": ratio,
            "calcnotes_test_accuracy": acc_ours,
            "torch_test_accuracy": acc_torch,
            "max_grad_difference": grad_diff,
            "max_param_difference_after_training": param_diff,
            "targets": {
                "gradients <= 1e-12": grad_diff <= 1e-12,
                **({"time ratio <= 0.5": ratio <= 0.5} if batch_size else {}),
            },
        })
    return rows


# --- logistic regression vs scikit-learn -------------------------------------


def bench_logistic(repeats):
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression as SkLogistic
    from sklearn.preprocessing import StandardScaler

    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    l2 = 0.01
    C = 1.0 / (len(y) * l2)  # sklearn: ||w||^2/2 + C sum(loss) = n C * ours
    t_ours, ours = best_time(
        lambda: LogisticRegression(l2=l2, tol=1e-10).fit(X, y), repeats)
    t_sk, sk = best_time(
        lambda: SkLogistic(C=C, solver="newton-cg", tol=1e-12,
                           max_iter=1000).fit(X, y), repeats)
    diff = max(float(np.max(np.abs(ours.coef_ - sk.coef_.ravel()))),
               abs(ours.intercept_ - float(sk.intercept_[0])))
    ratio = t_ours / t_sk
    return {
        "benchmark": "Logistic regression, breast cancer (standardised), "
                     f"l2={l2} (sklearn C=1/(n l2)={C:.4g})",
        "calcnotes_ms": 1e3 * t_ours, "sklearn_ms": 1e3 * t_sk,
        "time_ratio": ratio, "calcnotes_newton_steps": ours.n_iter_,
        "max_coef_difference": diff,
        "calcnotes_train_accuracy": float(np.mean(ours.predict(X) == y)),
        "sklearn_train_accuracy": float(np.mean(sk.predict(X) == y)),
        "targets": {"coef difference <= 1e-8": diff <= 1e-8,
                    "time ratio <= 0.5": ratio <= 0.5},
    }


# --- softmax regression vs scikit-learn --------------------------------------


def bench_softmax(repeats):
    from sklearn.linear_model import LogisticRegression as SkLogistic

    X_tr, X_te, y_tr, y_te = digits_split()
    C = 1.0
    l2 = 1.0 / (len(y_tr) * C)
    with warnings.catch_warnings(record=True) as caught:  # recorded below
        warnings.simplefilter("always")
        # L-BFGS (calcnotes.lbfgs) on the package's loss and gradient, to a
        # gradient norm of 1e-5 (sklearn's lbfgs stops on its own criteria)
        t_ours, ours = best_time(
            lambda: SoftmaxRegression(solver="lbfgs", l2=l2, max_iter=2000,
                                      tol=1e-5).fit(X_tr, y_tr), repeats)
        # plain gradient descent, the chapter's optimiser, for reference
        t_gd, gd = best_time(
            lambda: SoftmaxRegression(l2=l2, learning_rate=1.0, max_iter=500,
                                      tol=1e-4).fit(X_tr, y_tr), repeats)
    t_sk, sk = best_time(
        lambda: SkLogistic(C=C, max_iter=5000, tol=1e-8).fit(X_tr, y_tr), repeats)
    acc_ours = float(np.mean(ours.predict(X_te) == y_te))
    acc_sk = float(np.mean(sk.predict(X_te) == y_te))
    gap = 100 * abs(acc_ours - acc_sk)
    ratio = t_ours / t_sk
    return {
        "benchmark": f"Softmax regression, digits, l2=1/n (sklearn C={C}, lbfgs)",
        "calcnotes_ms": 1e3 * t_ours, "sklearn_ms": 1e3 * t_sk,
        "time_ratio": ratio, "calcnotes_lbfgs_steps": ours.n_iter_,
        "calcnotes_gd_ms": 1e3 * t_gd, "calcnotes_gd_steps": gd.n_iter_,
        "calcnotes_gd_test_accuracy": float(np.mean(gd.predict(X_te) == y_te)),
        "calcnotes_test_accuracy": acc_ours, "sklearn_test_accuracy": acc_sk,
        "accuracy_gap_points": gap,
        "calcnotes_converged_to_tol": not [w for w in caught if "lbfgs" in str(w.message)],
        "max_coef_difference": float(np.max(np.abs(ours.coef_ - sk.coef_.T))),
        "targets": {"accuracy gap <= 0.5 points": gap <= 0.5,
                    "time ratio <= 1": ratio <= 1.0},
    }


# --- derivative accuracy -------------------------------------------------------


def bench_derivatives():
    import mpmath

    mpmath.mp.dps = 40
    x = np.linspace(-5, 5, 1001)
    exact = np.array([float(mpmath.exp(-mpmath.mpf(v)) / (1 + mpmath.exp(-mpmath.mpf(v))) ** 2)
                      for v in x])
    rel = lambda d: float(np.max(np.abs(d - exact) / exact))  # noqa: E731
    cd = rel(central_difference(sigmoid, x))
    # complex step needs a complex-analytic formula: (1 + tanh(x/2)) / 2
    cs = rel(complex_step(lambda z: 0.5 * (1 + np.tanh(z / 2)), x))
    analytic = rel(sigmoid_derivative(x))
    return {
        "benchmark": "sigmoid'(x) on 1001 points of [-5, 5], max relative "
                     "error vs 40-digit mpmath",
        "central_difference": cd, "complex_step": cs,
        "sigmoid_derivative": analytic,
        "targets": {"central difference <= 1e-9": cd <= 1e-9,
                    "complex step <= 1e-15": cs <= 1e-15},
    }


# --- environment and output ---------------------------------------------------------


def environment():
    import sklearn
    import torch
    from threadpoolctl import threadpool_info

    return {
        "command": " ".join([os.path.basename(sys.executable), *sys.argv]),
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
        "OPENBLAS_L2_SIZE": os.environ.get("OPENBLAS_L2_SIZE"),
        "python": platform.python_version(), "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "load_average_at_start": list(os.getloadavg()),
        "numpy": np.__version__, "torch": torch.__version__,
        "sklearn": sklearn.__version__, "calcnotes": calcnotes.__version__,
        "threadpools": [
            {k: info.get(k) for k in ("user_api", "internal_api", "version",
                                      "num_threads", "architecture", "prefix")}
            for info in threadpool_info()
        ],
    }


def print_table(result):
    env = result["environment"]
    print(f"\ncalcnotes benchmarks  [{result['label']}]  {env['command']}")
    print(f"OPENBLAS_CORETYPE={env['OPENBLAS_CORETYPE']}  "
          f"load average {env['load_average_at_start']}")
    for pool in env["threadpools"]:
        print(f"  {pool['user_api']}: {pool['internal_api']} {pool['version']} "
              f"{pool['architecture']} x{pool['num_threads']} threads ({pool['prefix']})")
    line = "-" * 100
    print(line)
    print(f"{'benchmark':52s} {'calcnotes':>12s} {'peer':>12s} {'ratio':>7s}  targets")
    print(line)
    for row in result.get("mlp", []):
        print(f"{row['benchmark']:52s} {row['calcnotes_ms_per_epoch']:9.2f} ms "
              f"{row['torch_ms_per_epoch']:9.2f} ms {row['time_ratio']:7.2f}  "
              f"{_targets(row)}")
        print(f"{'  test accuracy (calcnotes / torch)':52s} "
              f"{row['calcnotes_test_accuracy']:12.4f} {row['torch_test_accuracy']:12.4f}")
        print(f"{'  max |grad - torch grad|, |params - torch params|':52s} "
              f"{row['max_grad_difference']:12.2e} "
              f"{row['max_param_difference_after_training']:12.2e}")
    for key in ("logistic", "softmax"):
        if key not in result:
            continue
        row = result[key]
        print(f"{row['benchmark'][:52]:52s} {row['calcnotes_ms']:9.2f} ms "
              f"{row['sklearn_ms']:9.2f} ms {row['time_ratio']:7.2f}  {_targets(row)}")
        print(f"{'  max |coef - sklearn coef|':52s} {row['max_coef_difference']:12.2e}")
        if key == "softmax":
            print(f"{'  test accuracy (calcnotes / sklearn)':52s} "
                  f"{row['calcnotes_test_accuracy']:12.4f} "
                  f"{row['sklearn_test_accuracy']:12.4f}")
            print(f"{'  gradient descent (for reference): ms, steps':52s} "
                  f"{row['calcnotes_gd_ms']:9.2f} ms {row['calcnotes_gd_steps']:12d}")
    row = result.get("derivatives")
    if row is None:
        print(line)
        return
    print(f"{'sigmoid derivative, max relative error':52s} "
          f"central {row['central_difference']:.2e}, complex step "
          f"{row['complex_step']:.2e}, analytic {row['sigmoid_derivative']:.2e}  "
          f"{_targets(row)}")
    print(line)


def _targets(row):
    return ", ".join(f"{k}: {'met' if ok else 'MISSED'}" for k, ok in row["targets"].items())


BENCHMARKS = {
    "mlp": bench_mlp,
    "logistic": bench_logistic,
    "softmax": lambda repeats: bench_softmax(max(1, repeats // 2)),
    "derivatives": lambda repeats: bench_derivatives(),
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", default="default",
                        help="key under which this run is stored in results.json")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results.json")
    parser.add_argument("--threads", type=int, default=None,
                        help="limit BLAS/OpenMP threads of numpy and torch "
                             "(default: the libraries' own choice)")
    parser.add_argument("--only", default=",".join(BENCHMARKS),
                        help="comma-separated subset of " + ", ".join(BENCHMARKS)
                             + " (default: all); e.g. --only logistic,softmax")
    args = parser.parse_args(argv)
    only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(only) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark(s) {unknown}; choose from {', '.join(BENCHMARKS)}")
    if args.threads:
        import torch
        from threadpoolctl import threadpool_limits

        torch.set_num_threads(args.threads)
        threadpool_limits(args.threads)  # stays in effect for the process
    result = {
        "label": args.label,
        "environment": environment(),
    }
    for name in BENCHMARKS:
        if name in only:
            result[name] = BENCHMARKS[name](args.repeats)
    print_table(result)
    data = json.loads(args.output.read_text()) if args.output.exists() else {}
    data.setdefault("runs", {})[args.label] = result
    args.output.write_text(json.dumps(data, indent=2, default=float) + "\n")
    print(f"wrote {args.output} (runs: {', '.join(data['runs'])})")


if __name__ == "__main__":
    main()
