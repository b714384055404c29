"""What every property test shares: one Hypothesis budget and the hostile values it draws from.

The budget (:data:`PROPERTY`) keeps the whole property suite under a minute on two cores;
no deadline, because a busy CI machine would make a per-example deadline flaky. Values
mix what real exports contain: full-width digits and letters, ideographic and zero-width
spaces, CJK, combining marks, right-to-left text, control characters, lone surrogates
excepted (no reader can hand those over).
"""

from __future__ import annotations

import os
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

#: ``CRMHUB_PROPERTY_EXAMPLES=2000`` for a deeper search by hand; CI keeps the default.
EXAMPLES = int(os.environ.get("CRMHUB_PROPERTY_EXAMPLES", "60"))

PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: Characters that have broken standardisers elsewhere: look-alike digits and signs,
#: invisible and unusual spaces, brackets and punctuation customers type.
AWKWARD = (
    "0123456789+-()./#;:,@<>\"' \t\n\r"
    "０１２３４５６７８９＋－（）．＠。｡"
    "\u3000\u00a0\u200b\u2060\ufeff\u00ad\u0301\u0308"
    "年月日号转分机ext xX"
    "张伟歐陽李·•ÄäÖöÜüßẞİıǅ"
    "\u202e\u0600٣۴߀१"
)

hostile_text = st.one_of(
    st.text(alphabet=st.sampled_from(AWKWARD), max_size=30),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=30),
)

scalar_values: st.SearchStrategy[Any] = (
    st.none() | st.booleans() | st.integers() | st.floats() | hostile_text
)

json_values: st.SearchStrategy[Any] = st.recursive(
    scalar_values,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(hostile_text, inner, max_size=3),
    max_leaves=8,
)
