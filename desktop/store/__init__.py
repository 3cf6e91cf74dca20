"""The office's SQLite store (the only code that speaks SQL)."""

from desktop.store.errors import NewerSchemaError, StoreError
from desktop.store.store import Store

__all__ = ["NewerSchemaError", "Store", "StoreError"]
