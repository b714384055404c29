"""Canonical models, settings, errors and the store: the layer everything else stands on."""
