"""Survivorship from ``hub.yaml``, and re-surviving golden records when its rules change.

The policy's fingerprint is saved with the store. When a run finds a different
one (rules or trust changed in ``hub.yaml``), every active golden record is
re-survived, batch by batch; only those whose values change get a new version
and an event. The fingerprint is saved after the last batch, so a run killed
half-way re-does the pass, which changes nothing for the records already done.
"""

from __future__ import annotations

from core.settings import HubConfig, RuleSettings
from core.store import Engine, UnitOfWork
from mdm.survivorship import Rule, SurvivorshipPolicy, Union, rule_named
from pipeline.clock import Clock
from pipeline.golden_writer import GoldenCounts, GoldenWriter

#: Where the fingerprint is kept: a ``sync_state`` row no source can own (names start a-z).
STATE_SOURCE, STATE_STREAM = "_hub", "survivorship"


def policy_for(config: HubConfig) -> SurvivorshipPolicy:
    """The survivorship policy configured in ``hub.yaml`` (trust from ``sources[].trust``)."""
    settings = config.survivorship
    default = _rule(settings.default)
    if isinstance(default, Union):  # refused by the settings already
        raise ValueError("union cannot be the default rule")
    fields = {_flat_name(name): _rule(rule) for name, rule in settings.fields.items()}
    return SurvivorshipPolicy(
        trust={s.name: s.trust for s in config.sources}, default=default, fields=fields
    )


def resurvive_if_changed(
    engine: Engine, policy: SurvivorshipPolicy, *, run_id: int, clock: Clock, batch_size: int = 500
) -> GoldenCounts:
    """Re-survive every active golden record if the policy changed since the last run."""
    counts = GoldenCounts()
    with UnitOfWork(engine) as uow:
        saved = uow.sync_state.get(STATE_SOURCE, STATE_STREAM)
    # A store from before survivorship was configurable was built by the default rules.
    previous = saved[0].get("fingerprint") if saved else _default_fingerprint(policy)
    current = policy.fingerprint()
    last, stored = "", False
    while previous != current:
        with UnitOfWork(engine) as uow:
            at = clock()
            ids = uow.golden.active_ids(last, batch_size)
            batch = GoldenCounts()
            writer = GoldenWriter(uow, policy, run_id, at, batch)
            writer.rebuild(ids)
            writer.flush()
            uow.runs.add_golden_counts(run_id, **batch.as_run_counts())
            if len(ids) < batch_size:
                state = {"fingerprint": current, "rules": policy.spec()}
                uow.sync_state.save(STATE_SOURCE, STATE_STREAM, state, run_id=run_id, at=at)
                previous, stored = current, True
            uow.commit()
        counts.add(batch)
        last = ids[-1] if ids else last
    if saved is None and not stored:
        with UnitOfWork(engine) as uow:
            state = {"fingerprint": current, "rules": policy.spec()}
            uow.sync_state.save(STATE_SOURCE, STATE_STREAM, state, run_id=run_id, at=clock())
            uow.commit()
    return counts


def _default_fingerprint(policy: SurvivorshipPolicy) -> str:
    return SurvivorshipPolicy(trust=policy.trust).fingerprint()


def _rule(settings: RuleSettings) -> Rule | Union:
    return rule_named(settings.rule, settings.sources)


def _flat_name(name: str) -> str:
    """``attributes.tier`` → ``tier``: attributes sit at the top of the flat record."""
    return name.removeprefix("attributes.")
