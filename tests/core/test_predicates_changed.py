"""`Predicate.changed` gives what `evaluate` gives on the record with one more result (hypothesis).

The next best test simulates results with `changed`, which evaluates again only the parts of a
rule or link that read the simulated item; this holds it to a plain evaluation of the whole
predicate on the hypothetical record, for every rule, link and prior modifier of the shipped
knowledge base and every result the engine simulates. The safety search simulates only the items
`could_become` names: it must name every item one result of which gives the truth asked for.
"""

from hypothesis import HealthCheck, given, settings

from desktop_app import paths
from desktop_app.core.knowledge import load_knowledge_base
from desktop_app.core.next_test import hypothetical, outcomes
from desktop_app.core.observations import Observations
from desktop_app.core.predicates import Predicate, Truth, could_become, node_truths, parse
from tests.core.strategies import observations

KB = load_knowledge_base(paths.KNOWLEDGE_BASE)
PREDICATES: list[Predicate] = [flag.when for flag in KB.red_flags.values()]
PREDICATES += [f.safety_net_when for f in KB.red_flags.values() if f.safety_net_when]
for _condition in KB.conditions.values():
    PREDICATES += [link.when for link in _condition.links]
    PREDICATES += [m.when for m in _condition.prior_modifiers]


@settings(
    max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(observations(KB))
def test_changed_is_the_evaluation_of_the_hypothetical_record(obs):
    for pred in PREDICATES:
        known: dict[int, Truth] = {}  # shared across refs and results, as the engine does
        for ref in pred.refs:
            for value, _ in outcomes(KB, *ref):
                alone = hypothetical(KB, Observations(), *ref, value)
                expected = pred.evaluate(hypothetical(KB, obs, *ref, value))
                assert pred.changed(obs, ref, alone, known) is expected


def test_a_part_that_does_not_read_the_item_is_taken_from_what_is_known():
    flag = next(f for f in KB.red_flags.values() if len(f.when.refs) > 1)
    ref = sorted(flag.when.refs)[0]
    value, _ = outcomes(KB, *ref)[0]
    known: dict[int, Truth] = {}
    alone = hypothetical(KB, Observations(), *ref, value)
    flag.when.changed(Observations(), ref, alone, known)
    assert known  # the other parts were evaluated once on the record and remembered
    assert id(flag.when) not in known  # the whole reads the item: evaluated again


@settings(
    max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(observations(KB))
def test_could_become_names_every_item_that_can_turn_the_truth(obs):
    for pred in PREDICATES:
        truths: dict[int, Truth] = {}
        now = node_truths(pred, obs, truths)
        assert now is pred.evaluate(obs)
        for want in (True, False):
            if now is want:
                continue
            possible = could_become(pred, want, truths)
            for ref in pred.refs:
                for value, _ in outcomes(KB, *ref):
                    if pred.evaluate(hypothetical(KB, obs, *ref, value)) is want:
                        assert ref in possible, (pred, ref, value, want)


def test_one_item_cannot_complete_two_unknown_parts_of_all():
    rule = parse(
        {
            "all": [
                {"any": [{"answer": "a", "equals": "yes"}, {"answer": "b", "equals": "yes"}]},
                {
                    "at_least": 2,
                    "of": [
                        {"answer": "c", "equals": "yes"},
                        {"not": {"answer": "a", "equals": "no"}},
                    ],
                },
            ]
        }
    )
    blank: dict[int, Truth] = {}
    node_truths(rule, Observations(), blank)
    assert could_become(rule, True, blank) == set()  # a alone leaves c unknown
    # any(a, b) cannot turn False on one item; at_least can, on c or on a
    assert could_become(rule, False, blank) == {("answer", "a"), ("answer", "c")}
    truths: dict[int, Truth] = {}
    node_truths(rule, Observations(answers={"c": "yes"}), truths)
    assert could_become(rule, True, truths) == {("answer", "a")}
