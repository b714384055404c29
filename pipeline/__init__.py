"""The use cases, and the only place that opens a unit of work and commits.

Write jobs (``sync``, ``migrate``, ``quarantine retry``, ``dedupe``, ``demo``, the
Airflow steps in :mod:`pipeline.tasks`), all composing one :class:`pipeline.run.Run`
on a store opened by :func:`pipeline.store.open_store`; the read views (golden records, status,
export, change feed, the API's read model); the steward's tools (reviews,
merge/unmerge, forget); reports and backups.
"""
