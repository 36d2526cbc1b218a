"""Small real datasets, read from the files scikit-learn ships, without importing it.

``import sklearn.datasets`` pulls in scipy.stats and takes seconds; the site
builds every page in one process and loads a dataset on several of them. These
loaders read the same bundled CSV files with numpy alone (nothing is
downloaded), and the tests check them against scikit-learn's own loaders.

Examples
--------
>>> X, y = load_iris()
>>> X.shape, y.shape, sorted(set(y.tolist()))
((150, 4), (150,), [0, 1, 2])
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

__all__ = ["load_iris", "load_breast_cancer", "load_digits", "load_diabetes"]


def _data_dir() -> Path:
    """scikit-learn's bundled data folder, found without importing the package."""
    spec = importlib.util.find_spec("sklearn")
    if spec is None or spec.origin is None:
        raise ImportError(
            "the datasets are read from the files scikit-learn ships; install it "
            "(it is in the project's docs dependencies: run `make setup`)"
        )
    folder = Path(spec.origin).parent / "datasets" / "data"
    if not folder.is_dir():  # pragma: no cover - a broken scikit-learn install
        raise ImportError(f"scikit-learn's data folder {folder} is missing; reinstall scikit-learn")
    return folder


def _labelled_csv(name: str) -> tuple[np.ndarray, np.ndarray]:
    """Read scikit-learn's ``n_samples,n_features,names...`` CSV: features, then the label."""
    table = np.loadtxt(_data_dir() / name, delimiter=",", skiprows=1)
    return table[:, :-1], table[:, -1].astype(np.int64)


def load_iris() -> tuple[np.ndarray, np.ndarray]:
    """Return Fisher's iris data.

    Returns
    -------
    X : ndarray of shape (150, 4)
        Sepal length, sepal width, petal length, petal width (cm).
    y : ndarray of shape (150,)
        Species 0 (setosa), 1 (versicolor), 2 (virginica).
    """
    return _labelled_csv("iris.csv")


def load_breast_cancer() -> tuple[np.ndarray, np.ndarray]:
    """Return the Wisconsin diagnostic breast cancer data.

    Returns
    -------
    X : ndarray of shape (569, 30)
        Thirty features of cell nuclei (unscaled: standardise before training).
    y : ndarray of shape (569,)
        0 = malignant, 1 = benign (scikit-learn's coding).

    Examples
    --------
    >>> X, y = load_breast_cancer()
    >>> X.shape, int(y.sum())
    ((569, 30), 357)
    """
    return _labelled_csv("breast_cancer.csv")


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """Return the 8x8 handwritten digits.

    Returns
    -------
    X : ndarray of shape (1797, 64)
        Pixel intensities 0..16, row by row (``X[i].reshape(8, 8)`` is the image).
    y : ndarray of shape (1797,)
        The digit, 0..9.
    """
    table = np.loadtxt(_data_dir() / "digits.csv.gz", delimiter=",")
    return table[:, :-1], table[:, -1].astype(np.int64)


def load_diabetes(*, scaled: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Return the diabetes regression data.

    Parameters
    ----------
    scaled : bool
        As scikit-learn does by default: centre each feature and divide it by
        its standard deviation times sqrt(n_samples), so each column has unit
        Euclidean norm.

    Returns
    -------
    X : ndarray of shape (442, 10)
        Age, sex, body-mass index, blood pressure and six blood serum measurements.
    y : ndarray of shape (442,)
        A measure of disease progression one year later.
    """
    folder = _data_dir()
    X = np.loadtxt(folder / "diabetes_data_raw.csv.gz")
    y = np.loadtxt(folder / "diabetes_target.csv.gz")
    if scaled:
        X = (X - X.mean(axis=0)) / X.std(axis=0)
        X /= np.sqrt(X.shape[0])
    return X, y
