"""Modules loaded on first use, to keep the Lambda's cold start short.

The PDF and office-file libraries (reportlab, openpyxl, python-docx) take longer to import
than boto3 itself, yet only a few requests render a document: the modules built on them are
bound with ``lazy_import`` and loaded by the first attribute read (``importlib.util.LazyLoader``).
"""

from __future__ import annotations

import importlib.util
import sys
import threading
from types import ModuleType

_lock = threading.Lock()


def lazy_import(name: str) -> ModuleType:
    """Module ``name``, executed only when one of its attributes is first read."""
    with _lock:
        if name in sys.modules:
            return sys.modules[name]
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            raise ModuleNotFoundError(name)
        spec.loader = importlib.util.LazyLoader(spec.loader)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return module
