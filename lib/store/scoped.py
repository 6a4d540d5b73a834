"""A store's reads limited to one scope, for code that reads a store without Filters of its own
(the official form writer, the audit's inputs, the command line's export): every read goes
through Store with the scope put into its Filters, so through the same where_clause as the pages.
Writes are not offered: they take the Actor, whose scope lib/store/scoped_writes.py checks.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from lib.access import regions as region_tree
from lib.access.scope import EVERYTHING, Scope
from lib.analysis import checks
from lib.filters import Filters
from lib.store.database import Store


class ScopedReader:
    """``store``'s reads, each limited to ``scope`` (which replaces any scope the Filters carry)."""

    def __init__(self, store: Store, scope: Scope):
        self.store, self.scope = store, scope

    def _f(self, filters: Filters | None) -> Filters:
        return replace(filters or Filters(), scope=self.scope)

    def read(self, relation: str, filters: Filters | None = None, **options) -> pd.DataFrame:
        return self.store.read(relation, self._f(filters), **options)

    def count(self, relation: str, filters: Filters | None = None, **options) -> int:
        return self.store.count(relation, self._f(filters), **options)

    def summarize(self, relation: str, filters: Filters | None = None, **options) -> pd.DataFrame:
        return self.store.summarize(relation, self._f(filters), **options)

    def count_distinct(self, relation: str, filters: Filters | None, columns: tuple[str, ...]) -> int:
        return self.store.count_distinct(relation, self._f(filters), columns)

    def program_totals(self, filters: Filters | None = None) -> pd.DataFrame:
        return self.store.program_totals(self._f(filters))

    # not data of any program
    def columns(self, relation: str) -> list[str]:
        return self.store.columns(relation)

    def version_id(self) -> int:
        return self.store.version_id()

    def current_version(self) -> dict | None:
        return self.store.current_version()


def scoped_audit(store: Store, filters: Filters) -> list[checks.Finding]:
    """The audit of ``filters``'s selection as its user may see it — one wiring for the 核查 page,
    the PDF brief and ``lib.cli check``. Unscoped: the selection's audit. Scoped: the checks
    recompute the whole programs the scope reaches (a province's rate is over every city), and
    only the findings that concern the scope's regions come out (checks.audit_in_scope)."""
    if filters.scope.unrestricted:
        return checks.run_audit(checks.read_inputs(lambda name: store.read(name, filters)))
    whole = replace(filters, scope=EVERYTHING)
    regions = region_tree.expand(filters.scope.regions) if filters.scope.regions else ()
    return checks.audit_in_scope(lambda name: store.read(name, filters),
                                 lambda name, ids: store.read(name, whole, where_in={"program_id": ids}),
                                 regions)
