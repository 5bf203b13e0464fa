"""Ranking regressions: for each golden query the answer is among the top 3 results."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

GOLDEN = yaml.safe_load((Path(__file__).parent / "golden_queries.yaml").read_text())


@pytest.mark.parametrize("case", GOLDEN, ids=[c["q"][:40] for c in GOLDEN])
def test_answer_in_top_three(engine, case):
    ids = [hit.id for hit in engine.search(case["q"], limit=3).hits]
    assert set(ids) & set(case["relevant"]), f"{case['q']!r} -> {ids}"


@pytest.mark.parametrize("case", GOLDEN, ids=[c["q"][:40] for c in GOLDEN])
def test_answer_in_top_three_by_words_alone(engine, case):
    """Keystrokes rank without the sentence model: words alone must hold too."""
    ids = [hit.id for hit in engine.search(case["q"], limit=3, semantic=False).hits]
    assert set(ids) & set(case["relevant"]), f"{case['q']!r} -> {ids}"
