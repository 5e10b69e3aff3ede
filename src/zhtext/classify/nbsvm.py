"""Training of the ``linear`` method: NB-weighted linear SVMs with Platt calibration.

Kept apart from :mod:`zhtext.classify.linear` so that predicting with a saved model never
imports scikit-learn (about 160 MB in every process that does, through pandas and SciPy's
statistics), only NumPy and SciPy's sparse matrices.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

if TYPE_CHECKING:
    from zhtext.classify.linear import LinearSettings

__all__ = ["fit_one"]


def _nb_ratio(x_bin: Any, y: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    p = np.asarray(x_bin[y].sum(axis=0)).ravel() + alpha
    q = np.asarray(x_bin[~y].sum(axis=0)).ravel() + alpha
    return np.asarray(np.log((p / p.sum()) / (q / q.sum())), dtype=np.float32)


class _NBSVM(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """One class against the rest: a linear SVM plus an NB-weighted SVM in one function.

    The two are added into one linear function; as an sklearn binary classifier it can be
    calibrated by ``CalibratedClassifierCV``.
    """

    def __init__(self, C: float = 0.5, C_nb: float = 0.2, nb_weight: float = 1.0,
                 class_weight: str | None = None) -> None:
        self.C = C
        self.C_nb = C_nb
        self.nb_weight = nb_weight
        self.class_weight = class_weight

    def fit(self, x: Any, y: np.ndarray) -> _NBSVM:
        """Fit both SVMs and fold them into ``coef_`` and ``intercept_``."""
        from sklearn.svm import LinearSVC

        y = np.asarray(y).astype(bool)
        self.classes_ = np.array([False, True])
        plain = LinearSVC(C=self.C, class_weight=self.class_weight).fit(x, y)
        coef = plain.coef_.ravel().astype(np.float64)
        intercept = float(plain.intercept_[0])
        if self.nb_weight > 0:
            r = _nb_ratio((x > 0).astype(np.float32).tocsr(), y)
            nb = LinearSVC(C=self.C_nb, class_weight=self.class_weight).fit(
                x.multiply(r).tocsr(), y)
            coef = coef + self.nb_weight * nb.coef_.ravel() * r
            intercept += self.nb_weight * float(nb.intercept_[0])
        self.coef_ = coef.astype(np.float32)
        self.intercept_ = intercept
        return self

    def decision_function(self, x: Any) -> np.ndarray:
        """Signed distance to the boundary (positive: the class)."""
        return np.asarray(x @ self.coef_ + self.intercept_, dtype=np.float64)

    def predict(self, x: Any) -> np.ndarray:
        """Whether each row is of the class."""
        return np.asarray(self.decision_function(x) > 0)


def fit_one(x: Any, y: np.ndarray, s: LinearSettings) -> tuple[np.ndarray, float, float, float]:
    """One class against the rest: (coef, intercept, platt a, platt b)."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.model_selection import StratifiedKFold

    est = _NBSVM(C=s.C, C_nb=s.C_nb, nb_weight=s.nb_weight,
                 class_weight="balanced" if s.class_weights else None)
    folds = min(s.cv, int(y.sum()), int((~y).sum()))
    if folds < 2:
        est.fit(x, y)
        return est.coef_, est.intercept_, -1.0, 0.0
    cal = CalibratedClassifierCV(est, method="sigmoid",
                                 cv=StratifiedKFold(folds, shuffle=True, random_state=s.seed),
                                 ensemble=False)
    cal.fit(x, y)
    inner = cal.calibrated_classifiers_[0]
    platt = inner.calibrators[0]
    return (inner.estimator.coef_, float(inner.estimator.intercept_), float(platt.a_),
            float(platt.b_))
