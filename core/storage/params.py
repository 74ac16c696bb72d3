"""List parameters that keep one SQL text for any number of values.

On PostgreSQL the list travels as one array (`= ANY(:name)`), so asyncpg
prepares the statement once whatever the batch size; SQLite gets an IN list
that SQLAlchemy expands per call.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY


def one_of(column: Any, name: str, *, postgres: bool, item_type: Any) -> Any:
    """`column` is one of the values bound to `name`."""
    if postgres:
        return column == any_(bindparam(name, type_=ARRAY(item_type)))
    return column.in_(bindparam(name, expanding=True))
