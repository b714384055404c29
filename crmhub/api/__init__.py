"""The read API over HTTP (``crmhub serve``): golden records, lookups, the change feed."""

from crmhub.api.app import create_app

__all__ = ["create_app"]
