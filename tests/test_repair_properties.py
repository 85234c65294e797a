"""Properties of the repair algorithm, checked on generated garbled text."""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from jixiao.model import FieldStatus
from jixiao.repair.damage import parse_garbled
from jixiao.repair.engine import repair_field, repair_text
from jixiao.repair.index import PassageIndex, PassageRef, Trust
from samplegen.garble import garble_cell

# a small alphabet makes chance matches between passages likely: the hard case
HANZI = "安全生产监督管理工作应急救援能力建设提高防灾减灾组织实施规划"
PUNCTUATION = "，、；"
clause = st.text(alphabet=HANZI, min_size=2, max_size=8)
sentence = st.lists(clause, min_size=3, max_size=7).flatmap(
    lambda clauses: st.lists(st.sampled_from(PUNCTUATION), min_size=len(clauses) - 1,
                             max_size=len(clauses) - 1).map(
        lambda marks: "".join(c + m for c, m in zip(clauses, marks + ["。"]))))

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def ref(field: str, filing: str = "other") -> PassageRef:
    return PassageRef(source=f"{filing}.txt", filing=filing, field=field, trust=Trust.BATCH)


def index_of(*texts: str) -> PassageIndex:
    index = PassageIndex()
    for k, text in enumerate(texts):
        index.add(text, ref(f"goals[{k + 1}]"))
    return index


def visible(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace() and ch != "□")


def is_subsequence(needle: str, haystack: str) -> bool:
    characters = iter(haystack)
    return all(ch in characters for ch in needle)


@SETTINGS
@given(text=sentence, others=st.lists(sentence, max_size=4))
def test_untruncated_text_is_left_alone(text, others):
    index = index_of(*others)
    field = repair_field(text, index, at_capacity=False, exclude=ref("self", "me"))
    assert field.value == text
    assert field.status is FieldStatus.INTACT and not field.evidence


@SETTINGS
@given(original=sentence, capacity=st.integers(min_value=0, max_value=30), others=st.lists(sentence, max_size=5),
       at_capacity=st.sampled_from([None, True, False]))
def test_repair_never_contradicts_a_visible_character(original, capacity, others, at_capacity):
    garbled = garble_cell(original, capacity)
    index = index_of(original, *others)
    field = repair_field(garbled, index, at_capacity=at_capacity, exclude=ref("self", "me"))
    assert is_subsequence(visible(garbled), visible(field.value or ""))
    # every restored span is backed by evidence that says what it restored
    for evidence in field.evidence:
        start, end = evidence.span
        assert field.value[start:end] == evidence.text


@SETTINGS
@given(original=sentence, capacity=st.integers(min_value=0, max_value=30))
def test_collapsed_text_restores_exactly_from_its_original(original, capacity):
    garbled = garble_cell(original, capacity)
    assume(garbled != original)
    parsed = parse_garbled(garbled)
    # the engine needs an anchor: five visible characters, three of them Chinese
    assume(parsed.literal_count >= 5 and sum("\u4e00" <= ch <= "\u9fff" for ch in visible(garbled)) >= 3)
    result = repair_text(garbled, index_of(original))
    assert result is not None and result.text == original


@SETTINGS
@given(original=sentence, capacity=st.integers(min_value=0, max_value=30), decoy=sentence)
def test_a_witness_that_disagrees_is_never_used(original, capacity, decoy):
    garbled = garble_cell(original, capacity)
    result = repair_text(garbled, index_of(decoy))
    if result is not None and result.restored:
        # whatever was restored must fit what the garbled text shows ...
        assert is_subsequence(visible(garbled), visible(result.text))
        # ... and come, character for character, from the only witness there is, where it says.
        # (The output as a whole need not be part of the decoy: the garbled text may hang off
        # the witness's start, "产 ，" before a decoy that begins one clause later.)
        for evidence in result.evidence:
            assert decoy[evidence.offset:evidence.offset + len(evidence.text)] == evidence.text
            start, end = evidence.span
            assert result.text[start:end] == evidence.text
