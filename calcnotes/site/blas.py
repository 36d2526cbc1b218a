"""One BLAS thread per process of the build and of the tests, unless the environment says otherwise.

A cold build runs pages in two processes on two cores (calcnotes.site.parallel),
and ``make test`` runs two pytest workers beside the site build. OpenBLAS starts
a thread per core in each process: on two busy cores a (128 x 64) @ (64 x 64)
product took 8 ms instead of 0.02 ms (measured here, OPENBLAS_CORETYPE as the
environment set it). The chapters' and the tests' matrices are small; one thread
each is the fast choice. ``OPENBLAS_CORETYPE`` is never touched.
"""

from __future__ import annotations

import os
import sys

__all__ = ["one_thread"]


def one_thread() -> None:
    """Set ``OPENBLAS_NUM_THREADS=1`` (inherited by child processes and kernels), and limit
    an OpenBLAS already loaded, unless ``OPENBLAS_NUM_THREADS`` is already set."""
    if "OPENBLAS_NUM_THREADS" in os.environ:
        return
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    if "numpy" in sys.modules:  # loaded with a thread per core: limit it now
        from threadpoolctl import threadpool_limits

        threadpool_limits(1, user_api="blas")
