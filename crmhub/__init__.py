"""Entry points for people and programs: the ``crmhub`` command line and the read API
(``crmhub serve``). They parse, call one ``pipeline`` function and print; no logic lives here."""
