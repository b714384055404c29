"""Entry points: the ``crmhub`` command line (and, later, the read API server)."""
