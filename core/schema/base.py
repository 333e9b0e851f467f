"""What every store table is built with: the one ``MetaData``, and columns that are also frame
columns, carrying their pandas dtype and meaning."""
from __future__ import annotations

import sqlalchemy as sa

TIMESTAMP_DTYPE = "datetime64[us, UTC]"

metadata = sa.MetaData()


def _column(name: str, sql_type, dtype: str, meaning: str, **constraints) -> sa.Column:
    """A store column that is also a frame column: its pandas dtype and its meaning ride along in
    ``info``, and the ``*_FIELDS`` lists are read from there, so each column is written once."""
    return sa.Column(name, sql_type, info={"dtype": dtype, "meaning": meaning}, **constraints)


def _fields(table: sa.Table) -> tuple[tuple[str, str, str], ...]:
    """(name, pandas dtype, meaning) of each column of ``table``, in the table's order."""
    return tuple((column.name, column.info["dtype"], column.info["meaning"]) for column in table.columns)


def _names(fields) -> tuple[str, ...]:
    return tuple(name for name, _, _ in fields)
