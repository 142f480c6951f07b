"""Compatibility shims for Keras 1.2.2 + Theano 1.0.5 on CPython 3.10/3.11 (design.md §4).

This file is *not* imported by kmigrate.  ``prepare_legacy_env`` copies it into the legacy
runtime's site-packages as ``kmigrate_k1_shims.py`` and loads it with a ``.pth`` file, so
every Python process of that runtime gets the shims.  No Keras or Theano file is edited.

Each shim was seen failing without it:

1. ``inspect.getargspec`` (removed in 3.11), rebuilt from ``getfullargspec``.
2. ``collections.Iterable`` and the other ABC aliases (removed in 3.10).
3. ``theano.scan_module.scan_perform_ext`` made un-importable, so Theano falls back to its
   pure-Python scan (the Cython extension does not compile on 3.11).
4. ``theano.ifelse`` imported once Keras' Theano backend is loaded (``K.in_train_phase``).
5. h5py 3 attribute reads return ``bytes`` instead of ``str`` (K1 calls ``.decode``).

Keep this file importable on its own: standard library only at import time.
"""
import collections
import collections.abc
import importlib.abc
import importlib.machinery
import inspect
import sys

# 1. inspect.getargspec ------------------------------------------------------------------
if not hasattr(inspect, "getargspec"):
    ArgSpec = collections.namedtuple("ArgSpec", "args varargs keywords defaults")

    def getargspec(func):
        spec = inspect.getfullargspec(func)
        return ArgSpec(spec.args, spec.varargs, spec.varkw, spec.defaults)

    inspect.ArgSpec = ArgSpec
    inspect.getargspec = getargspec

# 2. collections ABC aliases --------------------------------------------------------------
for _name in collections.abc.__all__:
    if not hasattr(collections, _name):
        setattr(collections, _name, getattr(collections.abc, _name))

# 3. Theano's Cython scan: ImportError -> pure-Python scan ---------------------------------
sys.modules.setdefault("theano.scan_module.scan_perform_ext", None)


# Post-import hooks for 4. and 5. ---------------------------------------------------------
def _after_theano_backend(module):
    import theano.ifelse  # noqa: F401  (4.)


def _after_h5py_attrs(module):
    cls = getattr(module, "AttributeManager", None)
    if cls is None or getattr(cls, "_kmigrate_bytes", False):
        return
    original = cls.__getitem__

    import numpy

    def __getitem__(self, name):
        value = original(self, name)
        if isinstance(value, str):
            return value.encode("utf8")
        if isinstance(value, numpy.ndarray) and value.dtype.kind in "UO":
            items = [v.encode("utf8") if isinstance(v, str) else v for v in value.flat]
            if all(isinstance(v, bytes) for v in items):
                return numpy.array(items, dtype=bytes).reshape(value.shape)
            out = numpy.empty(value.shape, dtype=object)
            out.flat[:] = items
            return out
        return value

    cls.__getitem__ = __getitem__
    cls._kmigrate_bytes = True


_HOOKS = {
    "keras.backend.theano_backend": _after_theano_backend,
    "h5py._hl.attrs": _after_h5py_attrs,
}


class _HookLoader(importlib.abc.Loader):
    def __init__(self, loader, hook):
        self._loader = loader
        self._hook = hook

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        self._hook(module)

    def __getattr__(self, name):
        return getattr(self._loader, name)


class _HookFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):
        hook = _HOOKS.get(fullname)
        if hook is None:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _HookLoader(spec.loader, hook)
                return spec
        return None


if not any(isinstance(f, _HookFinder) for f in sys.meta_path):
    sys.meta_path.insert(0, _HookFinder())
for _mod_name, _hook in _HOOKS.items():
    if _mod_name in sys.modules:
        _hook(sys.modules[_mod_name])
