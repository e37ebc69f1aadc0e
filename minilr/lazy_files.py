"""Arrays in ``.npy`` files as dask arrays read block by block: :class:`FileRows` and ``as_dask``.

Nothing here imports dask until :func:`as_dask` is called.
"""

import mmap
import numbers
import os
from pathlib import Path

import numpy as np

from ._validation import check_scalar

__all__ = ["FileRows", "as_dask"]


class FileRows:
    """An array stored in a file, read on demand: what :func:`as_dask` hands to ``da.from_array``.

    Indexing opens the file as a read-only memory map, copies the rows asked for
    and closes the map, so a worker's memory holds the blocks it works on and no
    more. It pickles as the file's name and layout, so every worker opens the file
    itself (all workers must see the same path).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import numpy as np
    >>> from minilr.lazy_files import FileRows
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "X.bin"
    ...     np.arange(6.0).tofile(path)
    ...     rows = FileRows(path, np.float64, (3, 2))
    ...     print(rows[1:])
    ...
    [[2. 3.]
     [4. 5.]]
    """

    def __init__(self, filename, dtype, shape, offset=0, order="C"):
        self.filename, self.dtype, self.shape = os.fspath(filename), np.dtype(dtype), tuple(shape)
        self.offset, self.order = int(offset), order
        self.ndim = len(self.shape)

    @classmethod
    def from_memmap(cls, a):
        return cls(a.filename, a.dtype, a.shape, a.offset, "F" if np.isfortran(a) else "C")

    def __getitem__(self, key):
        a = np.memmap(self.filename, dtype=self.dtype, mode="r", shape=self.shape,
                      offset=self.offset, order=self.order)
        block = np.array(a[key], order="C")  # a copy in memory, after which the map closes
        del a
        return block

    def __dask_tokenize__(self):
        st = os.stat(self.filename)
        return (type(self).__name__, self.filename, self.dtype.str, self.shape, self.offset,
                self.order, st.st_size, st.st_mtime_ns)

    def __repr__(self):
        return f"FileRows({self.filename!r}, shape={self.shape}, dtype={self.dtype})"


def _is_whole_file_memmap(a):
    # A view of a memmap keeps its parent's offset, so only the mapping itself is re-openable.
    return isinstance(a, np.memmap) and a.filename and isinstance(a.base, mmap.mmap)


def as_dask(path_or_array, chunk_rows):
    """The implementation of :func:`minilr.datasets.as_dask` (see there).

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.lazy_files import as_dask
    >>> X = as_dask(np.zeros((10, 3)), chunk_rows=4)
    >>> X.chunks
    ((4, 4, 2), (3,))
    """
    import dask.array as da  # dask is imported only here

    check_scalar(chunk_rows, "chunk_rows", kind=numbers.Integral, low=1)
    source = path_or_array
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.is_file():
            raise FileNotFoundError(f"No .npy file at {path}.")
        source = np.load(path, mmap_mode="r")
    if _is_whole_file_memmap(source):
        source = FileRows.from_memmap(source)
    elif not isinstance(source, np.ndarray):
        source = np.asarray(source)
    if source.ndim == 0:
        raise ValueError("as_dask needs an array with rows, got a scalar.")
    return da.from_array(source, chunks=(int(chunk_rows),) + (-1,) * (source.ndim - 1),
                         asarray=True, fancy=False)
