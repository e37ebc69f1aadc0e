"""Tests for model.save / minilr.load: exact round trips for every estimator and solver,
no pickling anywhere, and a clear ModelFileError for every file that is not a minilr model."""

import io
import json
import os
import pickle
import warnings
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

import minilr
import minilr.persistence
from minilr import LogisticRegression, MLPClassifier, ModelFileError
from minilr.linear import SOLVERS
from minilr.multiclass import OneVsAllClassifier
from minilr.persistence import META_KEY

RNG = np.random.default_rng(0)
X = RNG.normal(size=(40, 3))
LABELS = {
    "str3": np.array(["cat", "dog", "emu"])[np.arange(40) % 3],
    "int2": np.where(X[:, 0] + 0.3 * RNG.normal(size=40) > 0, 4, 2),
    "bool2": X[:, 1] > 0,
    "object3": np.array(["b", "a", "c"], dtype=object)[np.arange(40) % 3],
}

ESTIMATORS = {
    **{f"lr-{s}": (lambda s=s: LogisticRegression(solver=s, max_iter=50, random_state=0), "str3")
       for s in SOLVERS},
    "lr-multinomial": (lambda: LogisticRegression(multi_class="multinomial"), "int2"),
    "lr-multinomial-3": (lambda: LogisticRegression(multi_class="multinomial"), "object3"),
    "lr-no-intercept": (lambda: LogisticRegression(fit_intercept=False), "bool2"),
    "mlp-binary": (lambda: MLPClassifier(max_iter=5, random_state=0), "int2"),
    "mlp-3-class-2-layers": (lambda: MLPClassifier((4, 3), activation="tanh", max_iter=5,
                                                   random_state=0), "str3"),
    "mlp-validation": (lambda: MLPClassifier(max_iter=5, validation_fraction=0.25,
                                             random_state=0), "object3"),
    "ova-lr": (lambda: OneVsAllClassifier(LogisticRegression(lam=0.5)), "str3"),
    "ova-lr-binary": (lambda: OneVsAllClassifier(LogisticRegression(solver="gd")), "bool2"),
    "ova-mlp": (lambda: OneVsAllClassifier(MLPClassifier(max_iter=3, random_state=1)), "int2"),
}


def _fit(name):
    make, labels = ESTIMATORS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", minilr.ConvergenceWarning)
        return make().fit(X, LABELS[labels])


def _fitted_attributes(estimator):
    return {k: v for k, v in vars(estimator).items() if k.endswith("_") and not k.startswith("_")}


def _assert_same_estimator(loaded, original):
    assert type(loaded) is type(original)
    assert repr(loaded) == repr(original)  # the parameters, nested ones too
    attributes = _fitted_attributes(original)
    assert _fitted_attributes(loaded).keys() == attributes.keys()
    for key, value in attributes.items():
        _assert_same_value(getattr(loaded, key), value)


def _assert_same_value(loaded, value):
    if isinstance(value, np.ndarray):
        assert loaded.dtype == value.dtype and loaded.shape == value.shape
        assert_array_equal(loaded, value)
    elif isinstance(value, list):
        assert isinstance(loaded, list) and len(loaded) == len(value)
        for a, b in zip(loaded, value):
            _assert_same_value(a, b)
    elif hasattr(value, "get_params"):
        _assert_same_estimator(loaded, value)
    else:
        assert loaded == value and type(loaded) is type(value)


def _save_to_bytes(estimator):
    buffer = io.BytesIO()
    estimator.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- round trips
@pytest.mark.parametrize("name", ESTIMATORS)
def test_round_trip_gives_identical_parameters_attributes_and_predictions(name, tmp_path):
    model = _fit(name)
    path = tmp_path / "model.npz"
    model.save(path)
    loaded = minilr.load(path)
    _assert_same_estimator(loaded, model)
    assert_array_equal(loaded.predict(X), model.predict(X))
    assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


@pytest.mark.parametrize("name", ["lr-lbfgs", "mlp-validation", "ova-lr"])
def test_saved_file_has_no_object_arrays_and_string_labels_are_unicode(name, tmp_path):
    path = tmp_path / "model.npz"
    _fit(name).save(path)
    with np.load(path, allow_pickle=False) as archive:
        members = {key: archive[key] for key in archive.files}
    assert all(a.dtype.kind != "O" for a in members.values())
    assert members["classes_"].dtype.kind == "U"
    header = json.loads(str(members[META_KEY]))
    assert header["format"] == minilr.persistence.FORMAT_VERSION
    assert header["minilr_version"] == minilr.__version__


def test_string_labels_in_an_object_array_come_back_as_an_object_array():
    model = _fit("lr-multinomial-3")
    loaded = minilr.load(io.BytesIO(_save_to_bytes(model)))
    assert loaded.classes_.dtype == object and loaded.classes_.tolist() == ["a", "b", "c"]


@pytest.mark.parametrize("make", [LogisticRegression, MLPClassifier,
                                  lambda: OneVsAllClassifier(LogisticRegression(lam=3))])
def test_unfitted_estimator_round_trips_its_parameters_and_stays_unfitted(make):
    model = make()
    loaded = minilr.load(io.BytesIO(_save_to_bytes(model)))
    assert repr(loaded) == repr(model)
    with pytest.raises(minilr.NotFittedError):
        loaded.predict(X)


def test_loaded_model_can_be_refitted_to_the_same_coefficients():
    model = _fit("lr-gd")
    loaded = minilr.load(io.BytesIO(_save_to_bytes(model)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", minilr.ConvergenceWarning)
        loaded.fit(X, LABELS["str3"])
    assert_array_equal(loaded.coef_, model.coef_)


def test_feature_names_of_a_data_frame_survive_the_round_trip():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(X, columns=["age", "dose", "weight"])
    model = LogisticRegression().fit(frame, LABELS["int2"])
    loaded = minilr.load(io.BytesIO(_save_to_bytes(model)))
    assert loaded.feature_names_in_.dtype == object
    assert_array_equal(loaded.feature_names_in_, ["age", "dose", "weight"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "fitted without feature names" warning
        assert_array_equal(loaded.predict(frame), model.predict(frame))
    with pytest.raises(ValueError, match="feature names should match"):
        loaded.predict(frame[["dose", "age", "weight"]])


def test_tuple_parameters_stay_tuples():
    model = MLPClassifier(hidden_layer_sizes=(3, 2))
    assert minilr.load(io.BytesIO(_save_to_bytes(model))).hidden_layer_sizes == (3, 2)


def test_generator_random_state_is_saved_as_none_with_a_warning():
    model = LogisticRegression(solver="sgd", random_state=np.random.default_rng(1))
    with pytest.warns(UserWarning, match="random_state is a Generator, which is saved as None"):
        data = _save_to_bytes(model)
    assert minilr.load(io.BytesIO(data)).random_state is None


@pytest.mark.parametrize("name", ["lr-tnc", "mlp-3-class-2-layers", "ova-lr"])
def test_pickle_round_trip_keeps_working(name):
    model = _fit(name)
    loaded = pickle.loads(pickle.dumps(model))
    _assert_same_estimator(loaded, model)
    assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_save_writes_exactly_the_given_path_without_adding_npz(tmp_path):
    path = tmp_path / "my_model"
    _fit("lr-lbfgs").save(str(path))
    assert os.listdir(tmp_path) == ["my_model"]
    assert isinstance(minilr.load(str(path)), LogisticRegression)


def test_interrupted_save_keeps_the_previous_file_and_leaves_no_temporary(tmp_path,
                                                                         monkeypatch):
    path = tmp_path / "model.npz"
    old = _fit("lr-lbfgs")
    old.save(path)
    before = path.read_bytes()

    def stopped(file, **arrays):
        file.write(b"PK\x03\x04 half a file")  # some bytes, then the stop button
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez_compressed", stopped)
    with pytest.raises(KeyboardInterrupt):
        _fit("mlp-binary").save(path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["model.npz"]


def test_one_vs_all_around_a_sklearn_estimator_cannot_be_saved():
    model = OneVsAllClassifier(SkLogisticRegression()).fit(X, LABELS["str3"])
    with pytest.raises(TypeError, match="minilr can save only .* not sklearn.*pickle or joblib"):
        _save_to_bytes(model)


# ---------------------------------------------------------------- files that are refused
def _members(data):
    with np.load(io.BytesIO(data), allow_pickle=False) as archive:
        return {key: archive[key] for key in archive.files}


def _with_header(edit, model=None):
    """A valid model file whose JSON header went through ``edit(header)``."""
    members = _members(_save_to_bytes(model or _fit("ova-lr")))
    header = json.loads(str(members[META_KEY]))
    edit(header)
    members[META_KEY] = np.array(json.dumps(header))
    buffer = io.BytesIO()
    np.savez(buffer, **members)
    return buffer.getvalue()


def _set(path, value):
    def edit(header):
        *parents, last = path
        node = header
        for key in parents:
            node = node[key]
        node[last] = value
    return edit


class _Payload:
    """Unpickling this would create the file ``marker``: a stand-in for running code."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def _npz(**arrays):
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _object_array_file(marker):
    members = _members(_save_to_bytes(_fit("lr-lbfgs")))
    members["classes_"] = np.array([_Payload(marker), "b"], dtype=object)
    return _npz(**members)  # np.savez pickles the object array


VALID = _save_to_bytes(_fit("ova-lr"))
BAD_FILES = {
    "text": (lambda tmp: b"coef = [1, 2, 3]\n", "not a readable minilr model file"),
    "empty": (lambda tmp: b"", "not a readable minilr model file"),
    "truncated": (lambda tmp: VALID[: len(VALID) // 2], "truncated or damaged"),
    "pickle": (lambda tmp: pickle.dumps(_fit("lr-lbfgs")), "not a readable minilr model file"),
    "npy": (lambda tmp: _npy(np.arange(3)), "single .npy array"),
    "no-header": (lambda tmp: _npz(coef_=np.ones((1, 3))), "no '__minilr__' header"),
    "bad-json": (lambda tmp: _npz(__minilr__=np.array("{not json")), "damaged minilr header"),
    "newer-format": (lambda tmp: _with_header(_set(["format"], 3)), "format 3, but .* reads"),
    "major-version": (lambda tmp: _with_header(_set(["minilr_version"], "1.0.0")),
                      "saved by minilr 1.0.0, whose major version differs"),
    "unknown-class": (lambda tmp: _with_header(_set(["estimator", "class"], "os.system")),
                      "class 'os.system', which minilr does not load"),
    "unknown-nested-class": (
        lambda tmp: _with_header(_set(["estimator", "params", "estimator", "estimator",
                                       "class"], "SVC")), "class 'SVC'"),
    "unknown-parameter": (lambda tmp: _with_header(_set(["estimator", "params", "eval"], 1)),
                          r"parameters \['eval'\], which it does not have"),
    "bad-parameter-value": (lambda tmp: _with_header(_set(["estimator", "params", "estimator",
                                                          "estimator", "params", "lam"], -1)),
                            "invalid parameter: lam must be >= 0"),
    "dunder-attribute": (lambda tmp: _with_header(_set(["estimator", "attributes", "__class__"],
                                                       "LogisticRegression")),
                         "__class__, which is not a fitted attribute"),
    "method-attribute": (lambda tmp: _with_header(_set(["estimator", "attributes", "predict"], 1)),
                         "predict, which is not a fitted attribute"),
    "missing-array": (lambda tmp: _with_header(_set(["estimator", "attributes", "classes_"],
                                                    {"array": "nowhere"})),
                      "lacks the array 'nowhere'"),
    "shapes-edited": (lambda tmp: _with_header(_set(["estimator", "attributes", "n_features_in_"],
                                                    7)), "do not fit together"),
    "object-array": (lambda tmp: _object_array_file(tmp / "marker"), "object array"),
    "deeply-nested": (lambda tmp: _deeply_nested_header(5000), "damaged minilr header"),
}


def _deeply_nested_header(depth):
    """A header whose ``lam`` is a list in a list in ... (``depth`` deep): JSON's limit."""
    header = json.loads(str(_members(VALID)[META_KEY]))
    header["estimator"]["params"]["lam"] = "LAM"
    text = json.dumps(header).replace('"LAM"', '{"list": [' * depth + "1.0" + "]}" * depth)
    return _npz(__minilr__=np.array(text))


def _npy(a):
    buffer = io.BytesIO()
    np.save(buffer, a)
    return buffer.getvalue()


@pytest.mark.parametrize("case", BAD_FILES)
def test_file_that_is_not_a_minilr_model_raises_model_file_error(case, tmp_path):
    make, match = BAD_FILES[case]
    path = tmp_path / "model.npz"
    path.write_bytes(make(tmp_path))
    with pytest.raises(ModelFileError, match=match):
        minilr.load(path)
    assert not (tmp_path / "marker").exists()  # nothing in the file was run


def test_model_file_error_is_a_value_error_and_a_missing_file_is_file_not_found(tmp_path):
    assert issubclass(ModelFileError, ValueError)
    with pytest.raises(FileNotFoundError):
        minilr.load(tmp_path / "nothing.npz")


# ---------------------------------------------------------------- files of earlier versions
LEGACY = Path(__file__).parent / "data" / "legacy_models"
LEGACY_MODELS = sorted(p.stem for p in LEGACY.glob("*.npz") if p.stem != "expected"
                       and not p.stem.endswith("_unfitted"))


# Bit for bit is what minilr promises within one platform (the round trips above). The
# stored predictions were computed on another machine: its exp, tanh and BLAS sums may
# differ from this one's in the last bits (with or without AVX-512, NumPy 1.x or 2.x), and
# 2.6e-16 relative has been seen. 1e-12 leaves a margin of thousands of ulps and still
# catches any change in what a model computes; atol covers the probabilities near 0.
LEGACY_RTOL, LEGACY_ATOL = 1e-12, 1e-15


@pytest.mark.parametrize("name", LEGACY_MODELS)
def test_a_model_saved_before_the_renames_loads_and_predicts_as_it_did(name):
    expected = np.load(LEGACY / "expected.npz")
    model = minilr.load(LEGACY / f"{name}.npz")
    with np.load(LEGACY / f"{name}.npz", allow_pickle=False) as stored:
        keys = _weight_keys(model)
        assert len(keys) == len(_weights(model))
        for key, weight in zip(keys, _weights(model)):  # read bit for bit on every platform
            assert weight.dtype == stored[key].dtype and weight.tobytes() == stored[key].tobytes()
    X_new = expected["X_new"]
    assert_allclose(model.predict_proba(X_new), expected[f"{name}.proba"],
                    rtol=LEGACY_RTOL, atol=LEGACY_ATOL)
    assert_array_equal(model.predict(X_new).astype(str), expected[f"{name}.labels"])


def _weight_keys(model, prefix=""):
    """The names in a model file of the arrays :func:`_weights` gives, in its order."""
    if hasattr(model, "estimators_"):
        return [key for j, e in enumerate(model.estimators_)
                for key in _weight_keys(e, f"{prefix}estimators_.{j}.")]
    if hasattr(model, "coefs_"):
        return [f"{prefix}{name}.{i}" for name in ("coefs_", "intercepts_")
                for i in range(len(model.coefs_))]
    return [f"{prefix}coef_", f"{prefix}intercept_"]


@pytest.mark.parametrize("name", LEGACY_MODELS)
def test_a_legacy_model_refitted_with_its_renamed_parameters_finds_the_same_weights(name):
    # The renamed parameters mean what the old ones meant: the same fit, to rounding.
    expected = np.load(LEGACY / "expected.npz")
    model = minilr.load(LEGACY / f"{name}.npz")
    saved = [np.array(a) for a in _weights(model)]
    y = expected["y3"] if len(model.classes_) == 3 else expected["y2"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", minilr.ConvergenceWarning)
        model.fit(expected["X"], y)
    for refitted, before in zip(_weights(model), saved):
        assert_allclose(refitted, before, rtol=1e-7, atol=1e-9)


def _weights(model):
    if hasattr(model, "estimators_"):
        return [a for e in model.estimators_ for a in _weights(e)]
    if hasattr(model, "coefs_"):
        return [*model.coefs_, *model.intercepts_]
    return [model.coef_, model.intercept_]


@pytest.mark.parametrize("name, params", [
    ("mlp_unfitted", {"lam": 0.3, "update": "sgd", "max_iter": 7, "momentum": None}),
    ("lr_unfitted", {"solver": "sgd", "update": "momentum", "momentum": 0.9}),
    ("lr_sgd_plain", {"solver": "sgd", "update": "sgd", "momentum": None}),
    ("mlp_momentum", {"lam": 0.1, "update": "momentum", "momentum": 0.8, "max_iter": 20}),
])
def test_legacy_parameters_are_read_under_their_new_names(name, params):
    model = minilr.load(LEGACY / f"{name}.npz")
    assert {key: model.get_params()[key] for key in params} == params
