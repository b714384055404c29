"""The contract every connector passes, whatever it reads.

A connector's test module subclasses :class:`ConnectorContract` and provides
three fixtures:

- ``contract_config`` → a :class:`HubConfig` with one source of that connector,
  ``batch_size: 2`` (so positions are committed mid-read) and a store URL;
- ``contract_bad_connection`` → that source's ``connection`` with wrong
  credentials (or an unreachable host), and ``contract_secret``, the secret
  value that must never appear in an error;
- ``contract_add_record`` → a callable adding one new customer to the source.

The source must hold at least 4 records when the test starts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from connectors.base import Stream, StreamState
from core.errors import ConfigError, SourceRejected, SourceUnavailable
from core.records import RawRecord
from core.settings import HubConfig
from core.store.tables import source_record
from pipeline import sources as pipeline_sources
from pipeline.sources import open_source
from pipeline.sync import sync


class _Interrupted(SourceUnavailable):
    """Stands for a connection dropped in the middle of a read."""


class InterruptingStream:
    """Delegates to a real stream and drops the connection after ``after`` records."""

    def __init__(self, stream: Stream, after: int) -> None:
        self._stream, self._after = stream, after
        self.name, self.primary_key = stream.name, stream.primary_key
        self.cursor_field = stream.cursor_field
        self.combine = getattr(stream, "combine", None)

    def read(self, state: StreamState | None) -> Iterator[RawRecord]:
        for count, record in enumerate(self._stream.read(state)):
            if count == self._after:
                raise _Interrupted("connection dropped (simulated)")
            yield record

    def completed_state(self, state: StreamState | None) -> StreamState:
        return self._stream.completed_state(state)


def staged(config: HubConfig) -> dict[str, str]:
    engine = sa.create_engine(config.store_url())
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(source_record.c.source_id, source_record.c.payload_hash).where(
                source_record.c.status == "active"
            )
        )
        found = {row.source_id: row.payload_hash for row in rows}
    engine.dispose()
    return found


def read_all(config: HubConfig) -> list[RawRecord]:
    connector = open_source(config, config.sources[0]).connector
    return [record for stream in connector.streams() for record in stream.read(None)]


class ConnectorContract:
    def test_check_passes_on_a_working_source(self, contract_config: HubConfig) -> None:
        open_source(contract_config, contract_config.sources[0]).connector.check()

    def test_check_fails_clearly_and_never_shows_the_secret(
        self,
        contract_config: HubConfig,
        contract_bad_connection: dict[str, Any],
        contract_secret: str,
    ) -> None:
        source = contract_config.sources[0].model_copy(
            update={"connection": contract_bad_connection}
        )
        with pytest.raises((SourceRejected, SourceUnavailable, ConfigError)) as caught:
            open_source(contract_config, source).connector.check()
        message = str(caught.value)
        assert len(message) > 15, message
        assert contract_secret not in message
        assert contract_secret not in repr(caught.value.args)

    def test_streams_declare_their_key_and_cursor(self, contract_config: HubConfig) -> None:
        connector = open_source(contract_config, contract_config.sources[0]).connector
        streams = connector.streams()
        assert streams
        for stream in streams:
            assert stream.name and stream.name.islower()
            assert stream.primary_key
            assert stream.cursor_field is None or isinstance(stream.cursor_field, str)

    def test_records_have_ids_and_come_in_cursor_order(self, contract_config: HubConfig) -> None:
        records = read_all(contract_config)
        assert len(records) >= 4
        assert all(r.source_id for r in records)
        stamps = [r.updated_at for r in records if r.updated_at is not None]
        connector = open_source(contract_config, contract_config.sources[0]).connector
        if any(s.cursor_field for s in connector.streams()):
            assert stamps == sorted(stamps)

    def test_a_second_sync_adds_nothing(self, contract_config: HubConfig) -> None:
        first = sync(contract_config)
        assert first.ok, first.problems
        assert first.ledger.total("staged") >= 4
        second = sync(contract_config)
        assert second.ok, second.problems
        assert second.ledger.total("staged") == 0
        assert second.ledger.golden_created == 0
        assert second.ledger.events == 0

    def test_a_new_record_is_picked_up_from_the_saved_state(
        self, contract_config: HubConfig, contract_add_record: Callable[[], None]
    ) -> None:
        sync(contract_config)
        before = staged(contract_config)
        contract_add_record()
        result = sync(contract_config)
        assert result.ok, result.problems
        after = staged(contract_config)
        assert len(after) == len(before) + 1
        assert result.ledger.golden_created == 1

    def test_an_interrupted_read_resumes_without_loss_or_duplicates(
        self, contract_config: HubConfig
    ) -> None:
        everything = {r.source_id for r in read_all(contract_config)}
        original = pipeline_sources.open_source

        def interrupted(config: HubConfig, source: Any) -> pipeline_sources.OpenSource:
            opened = original(config, source)
            streams = [InterruptingStream(s, after=3) for s in opened.connector.streams()]
            connector = type("Interrupted", (), {"streams": lambda self: streams})()
            return pipeline_sources.OpenSource(opened.config, connector, opened.mapping)

        with pytest.MonkeyPatch.context() as patch:  # only this patch: fixtures keep theirs
            patch.setattr("pipeline.sync.open_source", interrupted)
            failed = sync(contract_config)
        assert not failed.ok
        assert 0 < len(staged(contract_config)) < len(everything)
        resumed = sync(contract_config)
        assert resumed.ok, resumed.problems
        assert set(staged(contract_config)) == everything
