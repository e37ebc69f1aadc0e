"""Tests for minilr.datasets: bundled files, generators, the split, and their error messages."""

import re
from pathlib import Path

import numpy as np
import pytest
import scipy.io
import scipy.special as sp

import minilr
from minilr import datasets
from minilr.datasets import (
    BREAST_CANCER_FILE,
    DATA_FILES,
    DIGITS_FILE,
    data_dir,
    load_breast_cancer_wisconsin,
    load_digits_20x20,
    load_mat,
    make_linear_boundary,
    make_sum_threshold,
    train_test_split,
)

GENERATORS = [
    pytest.param(lambda seed: make_sum_threshold(300, 6, random_state=seed), id="sum_threshold"),
    pytest.param(lambda seed: make_linear_boundary(300, random_state=seed), id="linear_boundary"),
]


# --- the breast-cancer file ----------------------------------------------------------------------

def test_breast_cancer_has_699_samples_9_features_and_241_malignant(breast_cancer):
    X, y = breast_cancer
    assert X.shape == (699, 9) and X.dtype == np.float64
    assert y.shape == (699,) and y.dtype == np.int64
    assert set(np.unique(y)) == {0, 1}
    assert int(y.sum()) == 241
    assert np.all((X >= 1) & (X <= 10))  # every feature is a 1..10 score


def test_breast_cancer_without_imputation_has_16_nans_all_in_bare_nuclei():
    X, y, names = load_breast_cancer_wisconsin(impute=None)
    nan_rows, nan_cols = np.nonzero(np.isnan(X))
    assert nan_rows.size == 16
    assert set(nan_cols) == {names.index("Bare_Nuclei")}


def test_breast_cancer_median_imputation_fills_only_the_missing_values():
    raw, _, _ = load_breast_cancer_wisconsin(impute=None)
    X, _ = load_breast_cancer_wisconsin(return_names=False)
    missing = np.isnan(raw)
    np.testing.assert_array_equal(X[~missing], raw[~missing])
    j = np.nonzero(missing.any(axis=0))[0]
    np.testing.assert_array_equal(X[missing], np.repeat(np.nanmedian(raw[:, j]), 16))


# --- the digits file ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def digits():
    return load_digits_20x20(), load_digits_20x20(original_labels=True)


def test_digits_have_5000_images_of_400_pixels_and_500_of_each_label(digits):
    (X, y), _ = digits
    assert X.shape == (5000, 400) and X.dtype == np.float64
    assert X.min() >= 0.0 and X.max() <= 1.0
    assert y.dtype == np.int64
    np.testing.assert_array_equal(np.unique(y), np.arange(10))
    np.testing.assert_array_equal(np.bincount(y), np.full(10, 500))


def test_digits_original_labels_are_1_to_10_with_10_for_zero(digits):
    (X, y), (X_orig, y_orig) = digits
    np.testing.assert_array_equal(X_orig, X)
    np.testing.assert_array_equal(np.unique(y_orig), np.arange(1, 11))
    np.testing.assert_array_equal(y_orig[y == 0], 10)
    np.testing.assert_array_equal(y_orig[y != 0], y[y != 0])


# --- load_mat ----------------------------------------------------------------------------------

@pytest.mark.parametrize("y_dtype", [np.uint8, np.int64, np.float64])
def test_load_mat_round_trips_a_file_written_by_savemat(tmp_path, y_dtype):
    rng = np.random.default_rng(0)
    X = rng.random((7, 3))
    y = rng.integers(1, 11, (7, 1)).astype(y_dtype)  # a column vector, as MATLAB stores it
    path = tmp_path / "data.mat"
    scipy.io.savemat(path, {"X": X, "y": y})
    X_loaded, y_loaded = load_mat(path)
    np.testing.assert_array_equal(X_loaded, X)
    assert y_loaded.shape == (7,)
    np.testing.assert_array_equal(y_loaded, y.ravel())


def test_load_mat_names_the_missing_variable(tmp_path):
    path = tmp_path / "no_y.mat"
    scipy.io.savemat(path, {"X": np.ones((3, 2))})
    with pytest.raises(ValueError, match=r"no variable\(s\) \['y'\]"):
        load_mat(path)


def test_load_mat_rejects_x_and_y_of_different_lengths(tmp_path):
    path = tmp_path / "mismatch.mat"
    scipy.io.savemat(path, {"X": np.ones((3, 2)), "y": np.ones((4, 1))})
    with pytest.raises(ValueError, match="do not match"):
        load_mat(path)


def test_load_mat_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothing.mat"):
        load_mat(tmp_path / "nothing.mat")


# --- where the data files are read from, and missing, truncated or corrupt copies -------------

LOADERS = [
    pytest.param(load_breast_cancer_wisconsin, BREAST_CANCER_FILE, "UCI", id="breast_cancer"),
    pytest.param(load_digits_20x20, DIGITS_FILE, "MNIST", id="digits"),
]


def _bundled_bytes(name):
    """The package's own copy of a data file, read straight from minilr/data/."""
    return (Path(minilr.__file__).parent / "data" / name).read_bytes()


def test_data_files_are_read_from_the_package_unless_minilr_data_dir_is_set(tmp_path,
                                                                           monkeypatch):
    monkeypatch.delenv("MINILR_DATA_DIR", raising=False)
    assert Path(data_dir()) == Path(minilr.__file__).parent / "data"
    monkeypatch.setenv("MINILR_DATA_DIR", str(tmp_path))
    assert data_dir() == tmp_path


@pytest.mark.parametrize("name", [BREAST_CANCER_FILE, DIGITS_FILE])
def test_expected_sizes_are_those_of_the_bundled_files(name):
    assert DATA_FILES[name][0] == len(_bundled_bytes(name))


@pytest.mark.parametrize("row", [0, 200, -1])
def test_minilr_data_dir_reads_the_teachers_own_copy(row, tmp_path, monkeypatch):
    # A same-size copy with one benign row (class 2) relabelled malignant (class 4).
    lines = _bundled_bytes(BREAST_CANCER_FILE).decode().splitlines(keepends=True)
    benign = [i for i, line in enumerate(lines) if line.rstrip().endswith(",2")]
    i = benign[row]
    lines[i] = lines[i].rstrip()[:-1] + "4" + lines[i][len(lines[i].rstrip()):]
    (tmp_path / BREAST_CANCER_FILE).write_text("".join(lines), newline="")
    monkeypatch.setenv("MINILR_DATA_DIR", str(tmp_path))
    _, y, _ = load_breast_cancer_wisconsin()
    assert int(y.sum()) == 242 and y[i] == 1


@pytest.mark.parametrize("loader, filename, source", LOADERS)
def test_missing_data_file_names_the_file_its_size_and_source_and_says_what_to_do(
        loader, filename, source, tmp_path, monkeypatch):
    monkeypatch.setenv("MINILR_DATA_DIR", str(tmp_path))
    with pytest.raises(FileNotFoundError, match=re.escape(filename)) as info:
        loader()
    message = str(info.value)
    size = len(_bundled_bytes(filename))
    assert str(tmp_path) in message and f"({size:,} bytes" in message and source in message
    assert "unset MINILR_DATA_DIR" in message and "datasets/README.md" in message


@pytest.mark.parametrize("loader, filename, source", LOADERS)
@pytest.mark.parametrize("keep", [0.0, 0.5, 0.999, "one byte more"])
def test_truncated_data_file_names_its_size_the_expected_size_and_source(
        loader, filename, source, keep, tmp_path, monkeypatch):
    genuine = _bundled_bytes(filename)
    if keep == "one byte more":
        content = genuine + b"\n"
    else:  # cut at a line end, so that the breast-cancer rows left still parse
        cut = int(keep * len(genuine))
        content = genuine[: genuine.rfind(b"\n", 0, cut) + 1] if b"\n" in genuine[:cut] \
            else genuine[:cut]
    (tmp_path / filename).write_bytes(content)
    monkeypatch.setenv("MINILR_DATA_DIR", str(tmp_path))
    with pytest.raises(ValueError, match=re.escape(filename)) as info:
        loader()
    message = str(info.value)
    assert f"has {len(content):,} bytes, not the expected {len(genuine):,}" in message
    assert "truncated" in message and source in message and "unset MINILR_DATA_DIR" in message


def test_damaged_bundled_file_says_to_reinstall_minilr(tmp_path, monkeypatch):
    monkeypatch.delenv("MINILR_DATA_DIR", raising=False)
    monkeypatch.setattr(datasets, "data_dir", lambda: tmp_path)  # stands for minilr/data/
    (tmp_path / BREAST_CANCER_FILE).write_bytes(_bundled_bytes(BREAST_CANCER_FILE)[:100])
    with pytest.raises(ValueError, match="reinstall minilr") as info:
        load_breast_cancer_wisconsin()
    assert "MINILR_DATA_DIR" in str(info.value) and "unset" not in str(info.value)


@pytest.mark.parametrize("loader, filename, source", LOADERS)
@pytest.mark.parametrize("seed", [0, 1])
def test_corrupt_data_file_of_the_right_size_raises_value_error_naming_the_file(
        loader, filename, source, seed, tmp_path, monkeypatch):
    size = len(_bundled_bytes(filename))
    (tmp_path / filename).write_bytes(np.random.default_rng(seed).bytes(size))
    monkeypatch.setenv("MINILR_DATA_DIR", str(tmp_path))
    with pytest.raises(ValueError, match=re.escape(filename)):
        loader()


@pytest.mark.parametrize("content, match", [
    ("1,2,3\n4,5,6\n", "UCI layout"),
    ("1000025,5,1,1,1,2,1,3,1,1,2\n1002945,5,4,4,5,7,10,3,2,1,3\n", "must hold 2 or 4"),
])
def test_breast_cancer_file_with_wrong_layout_raises_value_error(content, match, tmp_path,
                                                                 monkeypatch):
    size = len(_bundled_bytes(BREAST_CANCER_FILE))
    (tmp_path / BREAST_CANCER_FILE).write_text(content.ljust(size, "\n"))  # blank lines pad it
    monkeypatch.setenv("MINILR_DATA_DIR", str(tmp_path))
    with pytest.raises(ValueError, match=match):
        load_breast_cancer_wisconsin()


def test_digits_file_with_wrong_shape_raises_value_error(tmp_path, monkeypatch):
    path = tmp_path / DIGITS_FILE
    scipy.io.savemat(path, {"X": np.zeros((10, 400)), "y": np.ones((10, 1))})
    # A .mat file cannot be padded to the expected size: accept this one's, to reach the check.
    monkeypatch.setitem(DATA_FILES, DIGITS_FILE, (path.stat().st_size, "a test"))
    monkeypatch.setenv("MINILR_DATA_DIR", str(tmp_path))
    with pytest.raises(ValueError, match=r"expected X of shape \(5000, 400\)"):
        load_digits_20x20()


# --- generators ----------------------------------------------------------------------------------

@pytest.mark.parametrize("make", GENERATORS)
@pytest.mark.parametrize("seed", [0, 42])
def test_generator_same_seed_gives_identical_arrays(make, seed):
    X1, y1 = make(seed)
    X2, y2 = make(seed)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)


@pytest.mark.parametrize("make", GENERATORS)
def test_generator_different_seeds_give_different_arrays(make):
    X1, y1 = make(0)
    X2, y2 = make(1)
    assert not np.array_equal(X1, X2)
    assert not np.array_equal(y1, y2)


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("n_features, threshold", [(1, 0.0), (10, 3.0), (4, -1.0)])
def test_make_sum_threshold_labels_whether_the_row_sum_exceeds_the_threshold(seed, n_features,
                                                                             threshold):
    X, y = make_sum_threshold(2000, n_features, threshold=threshold, random_state=seed)
    assert X.shape == (2000, n_features) and y.dtype == np.int64
    np.testing.assert_array_equal(y, [int(sum(row) > threshold) for row in X.tolist()])
    # The row sum is N(0, n): the positive rate is 1 - Phi(t / sqrt(n)), within 4 standard errors.
    rate = sp.ndtr(-threshold / np.sqrt(n_features))
    assert abs(y.mean() - rate) < 4 * np.sqrt(rate * (1 - rate) / 2000)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("w, b", [((1.0, 3.0), 0.1), ((0.0, 0.0), 2.0), ((-2.0, 0.5), -1.0)])
def test_make_linear_boundary_labels_follow_the_sigmoid_of_the_true_logit(seed, w, b):
    n = 100_000
    X, y = make_linear_boundary(n, w=w, b=b, random_state=seed)
    assert X.shape == (n, 2) and y.dtype == np.int64
    np.testing.assert_allclose(X.std(axis=0), [2.0, 1.0], rtol=0.02)  # x1 ~ N(0, 4), x2 ~ N(0, 1)
    p = sp.expit(X @ np.array(w) + b)
    # Given X, the labels are independent Bernoulli(p_i): their mean has this standard error.
    standard_error = np.sqrt(np.sum(p * (1 - p))) / n
    assert abs(y.mean() - p.mean()) < 4 * standard_error
    # The same holds on each side of the boundary, where a constant label would be far off.
    for side in (p < 0.5, p >= 0.5):
        if side.sum() > 1000:
            se = np.sqrt(np.sum(p[side] * (1 - p[side]))) / side.sum()
            assert abs(y[side].mean() - p[side].mean()) < 4 * se


@pytest.mark.parametrize("call, match", [
    (lambda: make_sum_threshold(0), "n_samples must be >= 1"),
    (lambda: make_sum_threshold(10, n_features=0), "n_features must be >= 1"),
    (lambda: make_linear_boundary(0), "n_samples must be >= 1"),
    (lambda: make_linear_boundary(10, w=(1.0, 2.0, 3.0)), "two weights"),
])
def test_generators_reject_bad_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# --- train_test_split ----------------------------------------------------------------------------

def _rows(m=40):
    X = np.arange(2 * m, dtype=float).reshape(m, 2)  # row i is (2i, 2i + 1): identifies itself
    y = np.arange(m) % 3
    return X, y


@pytest.mark.parametrize("seed", [0, 7])
@pytest.mark.parametrize("stratify", [False, True])
def test_train_test_split_same_seed_identical_different_seeds_differ(seed, stratify):
    X, y = _rows()
    strat = y if stratify else None
    first = train_test_split(X, y, random_state=seed, stratify=strat)
    again = train_test_split(X, y, random_state=seed, stratify=strat)
    other = train_test_split(X, y, random_state=seed + 1, stratify=strat)
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[1], other[1])


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("test_size, n_test", [(0.25, 10), (0.1, 4), (0.33, 14), (5, 5), (39, 39)])
@pytest.mark.parametrize("stratify", [False, True])
def test_train_test_split_is_a_partition_of_the_rows_with_the_requested_test_size(
        seed, test_size, n_test, stratify):
    X, y = _rows()
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, random_state=seed, stratify=y if stratify else None)
    assert len(X_test) == len(y_test) == n_test  # ceil(test_size * 40) for fractions
    assert len(X_train) == len(y_train) == 40 - n_test
    rows = np.concatenate([X_train[:, 0], X_test[:, 0]]) / 2
    np.testing.assert_array_equal(np.sort(rows), np.arange(40))  # every row exactly once
    np.testing.assert_array_equal(y_train, rows[: len(y_train)].astype(int) % 3)  # pairs kept
    np.testing.assert_array_equal(y_test, rows[len(y_train):].astype(int) % 3)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("test_size", [0.2, 0.3, 0.5])
def test_stratified_split_keeps_class_proportions_within_one_sample(seed, test_size):
    rng = np.random.default_rng(seed)
    y = rng.choice(3, size=157, p=[0.6, 0.3, 0.1])
    X = rng.normal(size=(157, 2))
    _, _, y_train, y_test = train_test_split(X, y, test_size=test_size, random_state=seed,
                                             stratify=y)
    n_test = len(y_test)
    for k in range(3):
        in_class = np.sum(y == k)
        assert abs(np.sum(y_test == k) - in_class * n_test / len(y)) <= 1
        assert np.sum(y_test == k) + np.sum(y_train == k) == in_class


@pytest.mark.parametrize("kwargs, match", [
    (dict(test_size=1.5), "test_size must be <= 1.0"),
    (dict(test_size=1.0), "test_size must be below 1.0"),
    (dict(test_size=0.0), "test_size must be > 0.0"),
    (dict(test_size=0), "test_size must be >= 1"),
    (dict(test_size=40), "test_size must be <= 39"),
])
def test_train_test_split_rejects_a_test_size_that_leaves_a_part_empty(kwargs, match):
    X, y = _rows()
    with pytest.raises(ValueError, match=match):
        train_test_split(X, y, **kwargs)


def test_train_test_split_rejects_x_and_y_of_different_lengths():
    X, y = _rows()
    with pytest.raises(ValueError, match="X has 40 rows but y has 39"):
        train_test_split(X, y[:-1])


def test_stratified_split_needs_two_samples_of_every_class():
    X, y = _rows()
    y = y.copy()
    y[0] = 99  # a class with one sample
    with pytest.raises(ValueError, match="at least 2 samples of every class"):
        train_test_split(X, y, stratify=y)


@pytest.mark.parametrize("cut", [slice(2, None), "double"])
def test_train_test_split_rejects_stratify_of_the_wrong_length(cut):
    X = np.arange(20.0).reshape(10, 2)
    y = np.array([0] * 7 + [1] * 3)
    stratify = np.r_[y, y] if cut == "double" else y[cut]
    with pytest.raises(ValueError, match="stratify must hold one label per sample"):
        train_test_split(X, y, test_size=0.3, random_state=0, stratify=stratify)


def test_unknown_impute_option_names_the_choices():
    with pytest.raises(ValueError, match=r"impute must be one of \['median', None\]"):
        load_breast_cancer_wisconsin(impute="mean")
