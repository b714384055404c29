"""``crmhub forget``: erase a person everywhere, keep them out, tell downstream, keep no trace.

One transaction: the person's golden record(s) and every alias that merged
into them lose their values and history; their source records, quarantine
entries, cross references, blocking keys, match decisions and review tasks
are deleted; any value of theirs left in audit details, run messages or the
history of other records is scrubbed. Keyed hashes of their identifiers are
tombstoned so that the next sync drops them as it reads them; the golden
record gets a ``delete`` change event; the audit trail records that an
erasure happened, how many rows it touched and the golden IDs (which are
pseudonymous), never the values.

Backups taken before the erasure still hold the person until retention
removes them; restoring one brings back the data and not the tombstones.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import phonenumbers

from core.errors import ConfigError
from core.standardise import standardise_email
from core.store import Engine, UnitOfWork
from core.store.reclaim import Reclaimed, reclaim_erased
from core.store.rows import GoldenVersion
from core.store.staging import RecordKey
from core.store.writer_lock import writer_lock
from mdm import SurvivorshipPolicy
from mdm.ids import record_key
from pipeline.clock import Clock, utc_now
from pipeline.golden_writer import GoldenWriter
from pipeline.identifiers import (
    EMAIL,
    emails_in_payload,
    emails_of,
    phones_of,
    record_identifiers,
    source_key,
    strings_in,
)

#: Tables an erasure rewrites whatever it finds (the golden record and its lookup keys,
#: the change feed entry): VACUUMed with the ones it deleted rows from.
ALWAYS_TOUCHED = ("golden_record", "golden_key", "change_event")


@dataclass(frozen=True)
class ForgetRequest:
    """Exactly one selector: an email, a golden ID, or a source record."""

    email: str | None = None
    golden_id: str | None = None
    source: str | None = None
    source_id: str | None = None

    def selector(self) -> str:
        given = [
            name
            for name, value in (
                ("email", self.email),
                ("golden_id", self.golden_id),
                ("source", self.source or self.source_id),
            )
            if value
        ]
        if len(given) != 1:
            raise ConfigError(
                "forget: give exactly one of --email, --golden-id, or --source with --source-id"
            )
        if given[0] == "source" and not (self.source and self.source_id):
            raise ConfigError("forget: --source and --source-id go together")
        return given[0]


@dataclass
class ForgetResult:
    erasure_id: int
    golden_ids: list[str]
    source_records: int
    removed: dict[str, int] = field(default_factory=dict)
    tombstones: int = 0
    events: int = 0
    reclaimed: Reclaimed | None = None

    def summary(self) -> str:
        touched = ", ".join(f"{n} {t}" for t, n in sorted(self.removed.items()) if n)
        return (
            f"erasure {self.erasure_id}: {len(self.golden_ids)} golden records and "
            f"{self.source_records} source records erased; {self.tombstones} identifiers "
            f"tombstoned; rows touched: {touched or 'none'}"
            + (f"; {self.reclaimed.action}" if self.reclaimed else "")
        )


def forget(
    engine: Engine,
    request: ForgetRequest,
    *,
    actor: str,
    clock: Clock = utc_now,
) -> ForgetResult:
    """Erase the person (one transaction), then push the erased bytes out of the store's
    files: a WAL checkpoint on SQLite, VACUUM of the touched tables on PostgreSQL."""
    with writer_lock(engine, "forget"):
        result = _erase(engine, request, actor=actor, clock=clock)
        result.reclaimed = reclaim_erased(engine, [*result.removed, *ALWAYS_TOUCHED])
    return result


def _erase(engine: Engine, request: ForgetRequest, *, actor: str, clock: Clock) -> ForgetResult:
    selector = request.selector()
    email = _email(request.email) if request.email else None
    with UnitOfWork(engine) as uow:
        at = clock()
        run_id = uow.runs.start("forget", [], at=at)
        targets, members = _find(uow, request, email)
        everyone = _with_aliases(uow, targets)
        rows = uow.golden.get_many(everyone)
        records = [dict(r.record) for r in rows.values()]
        records += [dict(h.record) for g in everyone for h in uow.golden.history(g)]
        staged = uow.staging.records(members)
        records += [dict(r.record) for r in staged.values()]
        emails = set().union(*(emails_of(r) for r in records)) | ({email} if email else set())
        phones = set().union(*(phones_of(r) for r in records))
        # A value another active record holds too (a shared landline) is not only theirs:
        # it stays, and does not keep the other person out.
        shared = {
            v
            for kind, values in (("email", emails), ("phone", phones))
            for v in values
            if set(uow.golden.find_by_key(kind, v)) - everyone
        }
        emails, phones = emails - shared | ({email} if email else set()), phones - shared

        removed = uow.erasure.delete_records(sorted(members), [record_key(*k) for k in members])
        quarantined = _quarantined(uow, members, emails, phones)
        removed["quarantine"] = uow.erasure.delete_quarantined(
            [(source, record_key) for source, record_key, _ in quarantined]
        )
        removed["golden_history"] = uow.erasure.delete_history(everyone)
        writer = GoldenWriter(uow, SurvivorshipPolicy(), run_id, at)  # writes, never survives
        for golden_id in sorted(everyone):
            row = rows[golden_id]
            if row.status == "active":
                writer.write(golden_id, row, "delete", "deleted", {}, {}, [])
                writer.counts.deleted += 1
            else:  # merged-away aliases (they still resolve) and earlier deletions
                blanked = {**row._mapping, "record": {}, "provenance": {}}
                uow.golden.save_many([GoldenVersion(**blanked)])
        writer.flush()
        removed["golden_record"] = len(everyone)
        for table, n in uow.erasure.scrub(sorted(emails | phones)).items():
            removed[table] = removed.get(table, 0) + n

        identifiers = {source_key(*k) for k in members} | {(EMAIL, e) for e in emails}
        identifiers |= {source_key(s, i) for s, _, i in quarantined if i}
        for record in records:
            identifiers |= {i for i in record_identifiers(record) if i[0] != EMAIL}
        detail: dict[str, Any] = {
            "selector": selector,
            "golden_ids": sorted(everyone),
            "source_records": len(members),
            "rows": {t: n for t, n in sorted(removed.items()) if n},
            "tombstones": len(identifiers),
        }
        erasure_id = uow.matching.audit("forget", "erasure", actor=actor, at=at, detail=detail)
        tombstones = uow.privacy.add(identifiers, erasure_id=erasure_id, at=at)
        uow.runs.add_golden_counts(run_id, **writer.counts.as_run_counts())
        uow.runs.finish(run_id, "succeeded", at=at, message=f"erasure {erasure_id}")
        uow.commit()
    return ForgetResult(
        erasure_id,
        sorted(everyone),
        len(members),
        {t: n for t, n in removed.items() if n},
        tombstones,
        writer.counts.events,
    )


def _email(value: str) -> str:
    email = standardise_email(value)
    if not email or "@" not in email:
        raise ConfigError(f"forget --email: {value!r} is not an email address")
    return email


def _find(
    uow: UnitOfWork, request: ForgetRequest, email: str | None
) -> tuple[set[str], set[RecordKey]]:
    """The person's golden IDs and source records, from whichever selector was given."""
    targets: set[str] = set()
    members: set[RecordKey] = set()
    if request.golden_id:
        row = uow.golden.resolve_alias(request.golden_id)
        if row is None:
            raise ConfigError(f"forget --golden-id: no golden record {request.golden_id!r}")
        targets.add(row.golden_id)
    elif request.source and request.source_id:
        key = (request.source, request.source_id)
        members.add(key)
        linked = uow.golden.links([key]).get(key)
        if linked is not None:
            targets.add(linked)
    elif email:
        targets.update(uow.golden.find_by_key("email", email))
        members.update(uow.erasure.staged_holding([email]))
        targets.update(uow.golden.links(members).values())
    for keys in uow.golden.members(targets).values():
        members.update(keys)
    return targets, members


def _with_aliases(uow: UnitOfWork, golden_ids: Iterable[str]) -> set[str]:
    """``golden_ids`` and every golden ID merged into them, however long ago."""
    found, todo = set(golden_ids), list(golden_ids)
    while todo:
        for alias in uow.golden.aliases_of(todo.pop()):
            if alias.golden_id not in found:
                found.add(alias.golden_id)
                todo.append(alias.golden_id)
    return found


def _quarantined(
    uow: UnitOfWork, members: set[RecordKey], emails: set[str], phones: set[str]
) -> list[tuple[str, str, str | None]]:
    """Quarantined records of the person: by source key, or an email or phone in the raw
    payload (quarantined records are unlinked, so their values are all there is to go by)."""
    national = {_national_digits(p) for p in phones} - {""}
    doomed: list[tuple[str, str, str | None]] = []
    for row in uow.erasure.quarantine_rows():
        if (
            (row.source, row.source_id) in members
            or emails_in_payload(row.payload) & emails
            or (
                national
                and any(
                    _digits(text).endswith(n) for text in strings_in(row.payload) for n in national
                )
            )
        ):
            doomed.append((row.source, row.record_key, row.source_id))
    return doomed


def _national_digits(e164: str) -> str:
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return ""
    digits = phonenumbers.national_significant_number(number)
    return digits if len(digits) >= 7 else ""


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())
