"""Use cases: sync, dedupe, demo, export. The only place that opens a unit of work and commits."""
