"""OneVsAllClassifier: the digits seed recipe, scikit-learn agreement, split invariance, Dask."""

import warnings

import numpy as np
import pytest
from joblib import parallel_config
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_iris, make_classification
from sklearn.linear_model import LinearRegression
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.naive_bayes import GaussianNB
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC
from sklearn.utils.estimator_checks import parametrize_with_checks
from threadpoolctl import threadpool_limits

from minilr import LogisticRegression
from minilr.datasets import load_digits_20x20
from minilr.exceptions import ConvergenceWarning, FeatureScaleWarning
from minilr.multiclass import OneVsAllClassifier, _reissue_warnings

TIGHT = dict(tol=1e-10, max_iter=10000)


@pytest.fixture(autouse=True)
def one_blas_thread():
    """BLAS on one thread: the jobs are the parallelism (and a shared machine stays fast)."""
    with threadpool_limits(1):
        yield


@pytest.fixture(scope="module")
def digits():
    return load_digits_20x20()


def _iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _four_classes():
    return make_classification(n_samples=300, n_features=8, n_informative=5, n_classes=4,
                               random_state=0)


DATASETS = {"iris": _iris, "four_classes": _four_classes}


def _sklearn_ova_coef(estimator, X, y):
    ova = OneVsRestClassifier(estimator).fit(X, y)
    coef = np.vstack([e.coef_ for e in ova.estimators_])
    return coef, np.concatenate([e.intercept_ for e in ova.estimators_])


# --- the seed recipe on the digits ---------------------------------------------------------------

SEED_FITS = {
    "sequential": lambda: OneVsAllClassifier(LogisticRegression(lam=1, solver="tnc")),
    "parallel_n_jobs_2": lambda: OneVsAllClassifier(LogisticRegression(lam=1, solver="tnc"),
                                                    n_jobs=2),
    "vectorised": lambda: LogisticRegression(lam=1, solver="tnc"),
}


@pytest.mark.parametrize("make", SEED_FITS.values(), ids=SEED_FITS.keys())
def test_seed_recipe_reaches_94_percent_training_accuracy_on_digits(digits, make):
    # datasets/README.md: ten one-vs-all fits, lam = 1, TNC from zeros give 94.20%.
    X, y = digits
    assert make().fit(X, y).score(X, y) >= 0.940


def test_multinomial_reaches_96_percent_training_accuracy_on_digits(digits):
    # datasets/README.md: scikit-learn's multinomial LogisticRegression(C=1) gives 96.46%.
    X, y = digits
    assert LogisticRegression(lam=1, multi_class="multinomial").fit(X, y).score(X, y) >= 0.96


# --- results do not depend on how the work was split ---------------------------------------------

@pytest.mark.parametrize("backend", ["loky", "threading"])
@pytest.mark.parametrize("solver", ["lbfgs", "tnc"])
@pytest.mark.parametrize("data", DATASETS.values(), ids=DATASETS.keys())
def test_parallel_jobs_give_the_sequential_coefficients(data, solver, backend):
    X, y = data()
    base = LogisticRegression(lam=1, solver=solver, **TIGHT)
    sequential = OneVsAllClassifier(base).fit(X, y)
    with parallel_config(backend=backend):
        parallel = OneVsAllClassifier(base, n_jobs=2).fit(X, y)
    assert_allclose(parallel.coef_, sequential.coef_, rtol=0, atol=1e-6)
    assert_allclose(parallel.intercept_, sequential.intercept_, rtol=0, atol=1e-6)


@pytest.mark.parametrize("solver,data", [
    pytest.param("lbfgs", _iris, id="lbfgs-iris"),
    pytest.param("lbfgs", _four_classes, id="lbfgs-four_classes"),
    pytest.param("tnc", _iris, id="tnc-iris"),
    pytest.param("tnc", _four_classes, id="tnc-four_classes"),
])
def test_vectorised_ova_gives_the_coefficients_of_k_separate_fits(solver, data):
    X, y = data()
    separate = OneVsAllClassifier(LogisticRegression(lam=1, solver=solver, **TIGHT)).fit(X, y)
    joint = LogisticRegression(lam=1, solver=solver, multi_class="ova", **TIGHT).fit(X, y)
    assert_allclose(joint.coef_, separate.coef_, rtol=0, atol=1e-6)
    assert_allclose(joint.intercept_, separate.intercept_, rtol=0, atol=1e-6)


# --- agreement with scikit-learn -----------------------------------------------------------------

@pytest.mark.parametrize("lam", [1.0, 0.1])
@pytest.mark.parametrize("data", DATASETS.values(), ids=DATASETS.keys())
def test_ova_coefficients_match_sklearn_one_vs_rest(data, lam):
    X, y = data()
    coef, intercept = _sklearn_ova_coef(SkLogisticRegression(C=1 / lam, **TIGHT), X, y)
    wrapped = OneVsAllClassifier(LogisticRegression(lam=lam, **TIGHT)).fit(X, y)
    vectorised = LogisticRegression(lam=lam, multi_class="ova", **TIGHT).fit(X, y)
    for ours in (wrapped, vectorised):
        assert_allclose(ours.coef_, coef, rtol=1e-3)
        assert_allclose(ours.intercept_, intercept, rtol=1e-3)


@pytest.mark.parametrize("lam", [1.0, 0.1])
@pytest.mark.parametrize("data", DATASETS.values(), ids=DATASETS.keys())
def test_multinomial_coefficients_match_sklearn(data, lam):
    # scikit-learn >= 1.8 has no multi_class option: with lbfgs and K > 2 it is always multinomial.
    X, y = data()
    ref = SkLogisticRegression(C=1 / lam, **TIGHT).fit(X, y)
    ours = LogisticRegression(lam=lam, multi_class="multinomial", **TIGHT).fit(X, y)
    assert_allclose(ours.coef_, ref.coef_, rtol=1e-3)
    assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-3)
    assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-6)


def test_wrapping_sklearn_logistic_regression_reproduces_its_one_vs_rest():
    X, y = _four_classes()
    sk = SkLogisticRegression(C=0.5, **TIGHT)
    coef, intercept = _sklearn_ova_coef(sk, X, y)
    ours = OneVsAllClassifier(sk).fit(X, y)
    assert_allclose(ours.coef_, coef, rtol=1e-9)
    assert_allclose(ours.intercept_, intercept, rtol=1e-9)
    assert not hasattr(sk, "coef_")  # the template is cloned, never fitted


def test_decision_function_only_estimator_scores_like_sklearn_one_vs_rest():
    X, y = _iris()
    svm = LinearSVC(C=0.5, random_state=0)
    ours = OneVsAllClassifier(svm).fit(X, y)
    ref = OneVsRestClassifier(svm).fit(X, y)
    assert not hasattr(ours, "predict_proba")
    assert_allclose(ours.decision_function(X), ref.decision_function(X), rtol=1e-9, atol=1e-12)
    assert_array_equal(ours.predict(X), np.argmax(ref.decision_function(X), axis=1))


def test_predict_proba_only_estimator_normalises_like_sklearn_one_vs_rest():
    X, y = _four_classes()
    ours = OneVsAllClassifier(GaussianNB()).fit(X, y)
    ref = OneVsRestClassifier(GaussianNB()).fit(X, y)
    assert not hasattr(ours, "decision_function")
    assert_allclose(ours.predict_proba(X), ref.predict_proba(X), rtol=1e-12, atol=1e-15)
    with pytest.raises(AttributeError, match="coef_ and intercept_ exist only when every"):
        ours.coef_  # noqa: B018


# --- predictions -----------------------------------------------------------------------------------

@pytest.mark.parametrize("data", DATASETS.values(), ids=DATASETS.keys())
def test_predict_is_the_argmax_of_the_scores_and_probabilities_sum_to_one(data):
    X, y = data()
    clf = OneVsAllClassifier(LogisticRegression(lam=0.1)).fit(X, y)
    scores = clf.decision_function(X)
    P = clf.predict_proba(X)
    assert scores.shape == P.shape == (len(X), clf.classes_.size)
    assert_allclose(P.sum(axis=1), 1.0, rtol=1e-12)
    assert_array_equal(clf.predict(X), clf.classes_[np.argmax(scores, axis=1)])
    assert_array_equal(np.argmax(P, axis=1), np.argmax(scores, axis=1))
    assert_allclose(scores, X @ clf.coef_.T + clf.intercept_, rtol=1e-10, atol=1e-12)


def test_two_classes_are_one_problem_like_binary_logistic_regression():
    X, y = _iris()
    labels = np.array(["setosa", "other"])[(y == 0).astype(int)]
    clf = OneVsAllClassifier(LogisticRegression(lam=1, **TIGHT)).fit(X, labels)
    ref = LogisticRegression(lam=1, **TIGHT).fit(X, labels)
    assert len(clf.estimators_) == 1
    assert clf.decision_function(X).shape == (len(X),)
    assert_allclose(clf.coef_, ref.coef_, rtol=1e-12)
    assert_array_equal(clf.predict(X), ref.predict(X))


# --- warnings: one ConvergenceWarning for the K fits, wherever the jobs ran ----------------------

def _recorded(fit):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit()
    return [w for w in caught if issubclass(w.category, ConvergenceWarning)]


@pytest.mark.parametrize("n_jobs", [None, 2])
def test_unconverged_fits_give_one_warning_in_the_caller_naming_the_classes(n_jobs):
    # With n_jobs=2 the fits run in worker processes, whose warnings never reached the caller.
    X, y = _iris()
    classes = np.array(["setosa", "versicolor", "virginica"])
    ova = OneVsAllClassifier(LogisticRegression(max_iter=2), n_jobs=n_jobs)
    caught = _recorded(lambda: ova.fit(X, classes[y]))
    assert len(caught) == 1
    message = str(caught[0].message)
    assert message.startswith("None of the 3 one-vs-all fits converged (classes 'setosa', "
                              "'versicolor', 'virginica'). Class 'setosa': ")
    assert "Increase max_iter" in message
    assert caught[0].filename == __file__  # points at the caller's line


def test_jobs_in_threads_still_let_their_warnings_through():
    X, y = _iris()
    with parallel_config(backend="threading"):
        caught = _recorded(lambda: OneVsAllClassifier(LogisticRegression(max_iter=2),
                                                      n_jobs=2).fit(X, y))
    assert len(caught) == 3  # one per class: catch_warnings is not thread-safe


def test_converged_fits_give_no_warning():
    X, y = _iris()
    assert _recorded(lambda: OneVsAllClassifier(LogisticRegression()).fit(X, y)) == []


def test_two_classes_keep_the_single_fits_warning_as_it_is():
    X, y = _iris()
    keep = y < 2
    ova_caught = _recorded(lambda: OneVsAllClassifier(LogisticRegression(max_iter=1))
                           .fit(X[keep], y[keep]))
    own_caught = _recorded(lambda: LogisticRegression(max_iter=1).fit(X[keep], y[keep]))
    assert [str(w.message) for w in ova_caught] == [str(w.message) for w in own_caught]
    assert len(ova_caught) == 1


def test_reissued_warnings_merge_convergence_and_keep_others_once():
    jobs = [
        [(ConvergenceWarning, "stopped early a"), (FeatureScaleWarning, "scale X")],
        [(FeatureScaleWarning, "scale X")],
        [(ConvergenceWarning, "stopped early c"), (UserWarning, "other")],
    ]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _reissue_warnings(jobs, ["a", "b", "c"])
    assert [(w.category, str(w.message)) for w in caught] == [
        (FeatureScaleWarning, "scale X"),
        (UserWarning, "other"),
        (ConvergenceWarning,
         "2 of the 3 one-vs-all fits did not converge (classes 'a', 'c'). "
         "Class 'a': stopped early a"),
    ]


def test_labels_keep_their_type_and_order():
    X, y = _four_classes()
    names = np.array(["d", "b", "a", "c"])[y]
    clf = OneVsAllClassifier(LogisticRegression()).fit(X, names)
    assert_array_equal(clf.classes_, ["a", "b", "c", "d"])
    assert clf.predict(X).dtype == names.dtype
    assert clf.score(X, names) > 0.6


def test_data_frame_column_names_are_kept_and_checked():
    pd = pytest.importorskip("pandas")
    X, y = _iris()
    frame = pd.DataFrame(X, columns=["sepal_l", "sepal_w", "petal_l", "petal_w"])
    clf = OneVsAllClassifier(LogisticRegression()).fit(frame, y)
    assert_array_equal(clf.feature_names_in_, frame.columns)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "fitted without feature names" warning
        predicted = clf.predict(frame)
    assert_array_equal(predicted, np.argmax(X @ clf.coef_.T + clf.intercept_, axis=1))
    with pytest.raises(ValueError, match="feature names should match"):
        clf.predict(frame[frame.columns[::-1]])


# --- parameters --------------------------------------------------------------------------------

def test_nested_parameters_reach_the_wrapped_estimator():
    X, y = _iris()
    clf = OneVsAllClassifier(LogisticRegression(lam=1.0))
    assert clf.get_params(deep=True)["estimator__lam"] == 1.0
    weak = np.abs(clf.fit(X, y).coef_).sum()
    clf.set_params(estimator__lam=100.0)
    assert clf.estimator.lam == 100.0
    assert all(e.lam == 100.0 for e in clf.fit(X, y).estimators_)
    assert np.abs(clf.coef_).sum() < weak / 5  # a stronger penalty shrinks the weights


class _PredictOnly:
    """A classifier with fit and predict but no score for a class."""

    def get_params(self, deep=True):
        return {}

    def fit(self, X, y):
        return self

    def predict(self, X):
        return np.zeros(len(X))


@pytest.mark.parametrize("estimator", [_PredictOnly(), LinearRegression()],
                         ids=["predict_only", "regressor"])
def test_estimator_without_scores_is_rejected_at_fit_naming_what_is_missing(estimator):
    X, y = _iris()
    clf = OneVsAllClassifier(estimator)  # __init__ only stores
    with pytest.raises(TypeError, match="needs an estimator with predict_proba or decision_"
                                        f"function.*{type(estimator).__name__} has neither"):
        clf.fit(X, y)


def test_estimator_class_instead_of_instance_is_rejected():
    with pytest.raises(TypeError, match=r"write LogisticRegression\(\) instead"):
        OneVsAllClassifier(LogisticRegression).fit(*_iris())


@pytest.mark.parametrize("rare", [0, 2])
def test_class_with_a_single_sample_is_rejected_naming_it(rare):
    X, y = _iris()
    keep = (y != rare) | (np.arange(len(y)) == np.flatnonzero(y == rare)[0])
    with pytest.raises(ValueError, match=rf"Class {rare} has only 1 sample.*at least 2 samples"):
        OneVsAllClassifier(LogisticRegression()).fit(X[keep], y[keep])


@pytest.mark.parametrize("n_jobs,error", [(0, ValueError), (1.5, TypeError), ("2", TypeError)])
def test_invalid_n_jobs_is_rejected_at_fit(n_jobs, error):
    clf = OneVsAllClassifier(LogisticRegression(), n_jobs=n_jobs)
    with pytest.raises(error, match="n_jobs"):
        clf.fit(*_iris())


# --- scikit-learn's estimator checks -------------------------------------------------------------

@parametrize_with_checks([OneVsAllClassifier(LogisticRegression())])
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


# --- a Dask cluster --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       host="127.0.0.1", dashboard_address=None)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def test_dask_backend_gives_the_sequential_coefficients_and_sends_the_data_once(dask_client,
                                                                                monkeypatch):
    X, y = _four_classes()
    base = LogisticRegression(lam=1, **TIGHT)
    sequential = OneVsAllClassifier(base).fit(X, y)

    scattered = []
    scatter = dask_client.scatter

    def counting_scatter(data, *args, **kwargs):
        scattered.append(np.shape(data))
        return scatter(data, *args, **kwargs)

    monkeypatch.setattr(dask_client, "scatter", counting_scatter)
    with parallel_config(backend="dask"):
        distributed_fit = OneVsAllClassifier(base, n_jobs=2).fit(X, y)
    assert_allclose(distributed_fit.coef_, sequential.coef_, rtol=0, atol=1e-6)
    assert_allclose(distributed_fit.intercept_, sequential.intercept_, rtol=0, atol=1e-6)
    # X and the encoded labels, once each for the 4 jobs (not once per job).
    assert sorted(scattered) == [(300,), (300, 8)]
