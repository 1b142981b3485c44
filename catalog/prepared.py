"""Queries compiled to SQL once, then run with new values: for the few small reads that every
model page and model detail make.

Django compiles a queryset to SQL anew each time it runs it. For a read of one model's row, its
assessments or its snapshots, compiling took longer than the database took to answer: a model
page made four such reads, and compiling them was a fifth of its time. A Prepared query is
built once with stand-in values, compiled, and then run with each request's values in their
place; its rows go through the same conversions Django applies (dates, JSON...).

A compiled query holds the connection it was compiled for, so each thread (each connection)
compiles its own, once.
"""

import threading

from django.db import DEFAULT_DB_ALIAS, connections

_compiled = threading.local()


class Prepared:
    """A read given as `build(*values)`, a queryset of one model's instances or of values() rows,
    whose `values` are all parameters of its SQL (slugs, ids: not None, not lists). `stand_ins`
    are values of the same types that no real row has, one for each."""

    def __init__(self, build, *stand_ins):
        self.build, self.stand_ins = build, stand_ins

    def rows(self, *values):
        """The values() rows as dicts (build gives a values() queryset)."""
        compiled = self._compiled()
        return [dict(zip(compiled.names, row, strict=True)) for row in self._run(compiled, values)]

    def instances(self, *values):
        """The model instances (build gives a queryset of one model), with the related models it
        selects (select_related, one level deep) and its annotations set on each."""
        compiled = self._compiled()
        return [compiled.instance(row) for row in self._run(compiled, values)]

    def _run(self, compiled, values):
        params = list(compiled.params)
        for slot, value in zip(compiled.slots, values, strict=True):
            params[slot] = value
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        return compiled.compiler.results_iter([rows], tuple_expected=True)

    def _compiled(self):
        wrapper = connections[DEFAULT_DB_ALIAS]
        if getattr(_compiled, "connection", None) is not wrapper:
            _compiled.connection, _compiled.queries = wrapper, {}
        if self not in _compiled.queries:
            _compiled.queries[self] = _Compiled(self.build(*self.stand_ins), self.stand_ins)
        return _compiled.queries[self]


class _Compiled:
    def __init__(self, queryset, stand_ins):
        self.model, self.db = queryset.model, DEFAULT_DB_ALIAS
        self.related, self.annotations = {}, []
        if queryset._fields is None:
            # A queryset of instances is read as the values of their fields, with the related
            # models' fields after them (`relation__field`) and then the annotations.
            queryset = self._as_values(queryset)
        query = queryset.query
        self.compiler = query.get_compiler(self.db)
        self.sql, params = self.compiler.as_sql()
        self.params = tuple(params)
        # Each stand-in must be a parameter of its own, else a value would be run in its place.
        if len(set(map(repr, stand_ins))) != len(stand_ins) or any(
            self.params.count(stand_in) != 1 for stand_in in stand_ins
        ):
            raise ValueError(f"each stand-in must appear once among the parameters {params!r}")
        self.slots = [self.params.index(stand_in) for stand_in in stand_ins]
        self.names = [*query.extra_select, *query.values_select, *query.annotation_select]

    def _as_values(self, queryset):
        self.own = [field.attname for field in self.model._meta.concrete_fields]
        names = list(self.own)
        selected = queryset.query.select_related
        if selected is True:
            raise ValueError("select_related() without names: name the relations to read")
        for relation in selected or {}:
            if selected[relation]:
                raise ValueError(f"select_related deeper than one level: {relation}")
            related = self.model._meta.get_field(relation).related_model
            fields = [field.attname for field in related._meta.concrete_fields]
            self.related[relation] = (related, fields)
            names += [f"{relation}__{name}" for name in fields]
        self.annotations = list(queryset.query.annotation_select)
        return queryset.values(*names, *self.annotations)

    def instance(self, row):
        values = dict(zip(self.names, row, strict=True))
        instance = self.model.from_db(self.db, self.own, [values[name] for name in self.own])
        for relation, (related, fields) in self.related.items():
            own = [values[f"{relation}__{name}"] for name in fields]
            pk = own[fields.index(related._meta.pk.attname)]
            setattr(
                instance, relation, None if pk is None else related.from_db(self.db, fields, own)
            )
        for name in self.annotations:
            setattr(instance, name, values[name])
        return instance
