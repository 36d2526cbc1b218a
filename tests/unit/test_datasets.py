"""calcnotes.datasets against scikit-learn's own loaders (the oracle)."""

import numpy as np
import pytest

from calcnotes import datasets

sk = pytest.importorskip("sklearn.datasets")


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (datasets.load_iris, sk.load_iris),
        (datasets.load_breast_cancer, sk.load_breast_cancer),
        (datasets.load_digits, sk.load_digits),
        (datasets.load_diabetes, sk.load_diabetes),
    ],
)
def test_same_data_as_scikit_learn(ours, theirs):
    X, y = ours()
    X_ref, y_ref = theirs(return_X_y=True)
    np.testing.assert_allclose(X, X_ref, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(y, y_ref)


def test_unscaled_diabetes_matches():
    X, _ = datasets.load_diabetes(scaled=False)
    np.testing.assert_array_equal(X, sk.load_diabetes(scaled=False, return_X_y=True)[0])


def test_missing_scikit_learn_is_explained(monkeypatch):
    monkeypatch.setattr(datasets.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ImportError, match="install it"):
        datasets.load_iris()
