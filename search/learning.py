"""Learning from outcomes: what sellers typed before an entry solved their problem.

Evidence is a query followed by proof that an entry answered it: «Это решило мой вопрос»
on the entry, opening it and voting «Да», or an agent's reply that links it. Evidence is
grouped per entry by the query's lemmas into proposed phrasings. A phrasing is proposed
only when several distinct sellers support it (one seller repeating a query teaches
nothing), numbers, e-mails and phones are masked, and old evidence counts for less.
Approved phrasings become the entry's `asked_as` (see search.askedas for writing files).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from search.analysis import is_identifier, is_stop, lemma, words

EvidenceKind = Literal["solved", "voted_yes", "agent_link", "import"]

# How much one kind of evidence says that the query was answered by the entry. «Это решило
# мой вопрос» is the seller saying so in as many words; an open followed by «Да» says the
# entry was useful, not that it matched this very question; an agent's link says the
# entry answers the seller's question as the agent read it, a step removed from the query.
KIND_WEIGHT: dict[str, float] = {"solved": 1.0, "voted_yes": 0.8, "agent_link": 0.7, "import": 1.0}
# Distinct sellers a phrasing needs before it is proposed: one seller alone never teaches
# (a seller repeating the same query, or gaming search for their own listing).
MIN_SELLERS = 2
# Evidence loses half its weight every 90 days: the help center and sellers' words change
# with the marketplace; a season is long enough to see a phrasing come back.
HALF_LIFE_DAYS = 90.0
# Older evidence is ignored entirely (a quarter of a weight is no longer a reason).
MAX_AGE_DAYS = 365.0
# Decayed support (sum over sellers of their best evidence weight) a phrasing needs: two
# recent «решило» clear it, two year-old ones do not.
MIN_SUPPORT = 1.2
# A phrasing must say something: at least one meaningful word, and not a whole letter.
MIN_WORDS = 1
MAX_PHRASING_CHARS = 160
EXAMPLES_KEPT = 3

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?:\+7|\b8)[\s(-]*\d{3}[\s)-]*\d{3}[\s-]*\d{2}[\s-]*\d{2}\b")
_URL = re.compile(r"https?://\S+|www\.\S+")
_LONG_NUMBER = re.compile(r"\d{5,}")
# Placeholders other layers already masked with ("[номер]", "[email]"): not the seller's words.
_PLACEHOLDER = re.compile(r"\[[^\]\s]{1,20}\]")


@dataclass(frozen=True)
class Evidence:
    """One outcome: a seller's query, and the entry that answered it."""

    query: str
    entry_id: str
    seller: str  # who; distinct sellers are counted, never named in proposals
    kind: EvidenceKind = "solved"
    at: datetime | None = None  # when; None = now


@dataclass
class Proposal:
    """A proposed phrasing for an entry's `asked_as`, with its support."""

    entry_id: str
    phrasing: str
    key: str  # the lemmas that identify this phrasing
    sellers: int
    support: float
    examples: list[str] = field(default_factory=list)


def mask(text: str) -> str:
    """Hide what identifies a seller: e-mails, phones, links and long numbers."""
    text = _PLACEHOLDER.sub("…", _URL.sub(" ", text))
    text = _EMAIL.sub("…", text)
    text = _PHONE.sub("…", text)
    text = _LONG_NUMBER.sub("…", text)
    return " ".join(text.split())[:MAX_PHRASING_CHARS].strip()


def phrasing_key(text: str) -> str:
    """The meaningful lemmas of a phrasing, sorted: one key for word-order variants."""
    lemmas = {lemma(w) for w in words(text) if not is_identifier(w)}
    return " ".join(sorted(t for t in lemmas if not is_stop(t)))


def decayed_weight(ev: Evidence, now: datetime) -> float:
    """The evidence's weight after its age is taken into account (0 when too old)."""
    base = KIND_WEIGHT.get(ev.kind, 0.0)
    if ev.at is None:
        return base
    at = ev.at if ev.at.tzinfo else ev.at.replace(tzinfo=UTC)
    age = max(0.0, (now - at).total_seconds() / 86400)
    if age > MAX_AGE_DAYS:
        return 0.0
    return base * math.pow(0.5, age / HALF_LIFE_DAYS)


def propose(
    evidence: Iterable[Evidence],
    known: dict[str, Iterable[str]] | None = None,
    now: datetime | None = None,
    min_sellers: int = MIN_SELLERS,
) -> list[Proposal]:
    """Proposals per entry and phrasing, best supported first.

    `known` maps entry ids to phrasings they already have (title, asked_as, rejected ones):
    those are not proposed again.
    """
    now = now or datetime.now(UTC)
    known_keys = {eid: {phrasing_key(p) for p in ps} for eid, ps in (known or {}).items()}
    groups: dict[tuple[str, str], _Group] = {}
    for ev in evidence:
        text = mask(ev.query)
        key = phrasing_key(text)
        if len(key.split()) < MIN_WORDS or key in known_keys.get(ev.entry_id, ()):
            continue
        weight = decayed_weight(ev, now)
        if weight <= 0:
            continue
        groups.setdefault((ev.entry_id, key), _Group()).add(ev.seller, weight, text)
    proposals = [
        g.proposal(eid, key)
        for (eid, key), g in groups.items()
        if len(g.best) >= min_sellers and g.support >= _min_support(min_sellers)
    ]
    return sorted(proposals, key=lambda p: (-p.sellers, -p.support, p.entry_id, p.phrasing))


def _min_support(min_sellers: int) -> float:
    # Imports are trusted pairs (min_sellers 1): any fresh pair is enough.
    return MIN_SUPPORT if min_sellers >= MIN_SELLERS else 0.0


@dataclass
class _Group:
    """Evidence for one (entry, phrasing key)."""

    best: dict[str, float] = field(default_factory=dict)  # seller -> best decayed weight
    forms: Counter = field(default_factory=Counter)

    def add(self, seller: str, weight: float, text: str) -> None:
        self.best[seller] = max(self.best.get(seller, 0.0), weight)
        self.forms[text] += 1

    @property
    def support(self) -> float:
        return sum(self.best.values())

    def proposal(self, entry_id: str, key: str) -> Proposal:
        # The most common surface form is the phrasing shown and written; ties go to the
        # shortest (fewer stray words).
        ranked = sorted(self.forms.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))
        examples = [text for text, _ in ranked[:EXAMPLES_KEPT]]
        return Proposal(entry_id, ranked[0][0], key, len(self.best), self.support, examples)


def pairs_to_evidence(pairs: Iterable[dict]) -> list[Evidence]:
    """Imported {"query","relevant_ids"} pairs as evidence (first relevant id; each pair its own source)."""
    found = []
    for n, pair in enumerate(pairs):
        ids = pair.get("relevant_ids") or []
        query = str(pair.get("query") or "").strip()
        if ids and query:
            found.append(Evidence(query, str(ids[0]), f"import:{n}", "import"))
    return found


def learn_pairs(
    pairs: Iterable[dict], known: dict[str, Iterable[str]] | None = None
) -> list[Proposal]:
    """Proposals from imported pairs; an import is an editor's decision, so each pair counts."""
    return propose(pairs_to_evidence(pairs), known, min_sellers=1)


def phrasings_by_entry(proposals: Iterable[Proposal]) -> dict[str, list[str]]:
    """Approved proposals grouped as entry id -> phrasings, in order."""
    out: dict[str, list[str]] = {}
    for p in proposals:
        if p.phrasing not in out.setdefault(p.entry_id, []):
            out[p.entry_id].append(p.phrasing)
    return out
