"""One builder per knowledge-base entry kind: typed model objects from checked YAML entries."""

from __future__ import annotations

from pathlib import Path

from desktop_app.core.knowledge.entries import Entry, read_yaml, sub_entry
from desktop_app.core.knowledge.model import (
    ANSWER_TYPES,
    RESULT_TYPES,
    URGENCIES,
    VERIFICATION,
    Accuracy,
    BodyChart,
    Condition,
    ExamItem,
    Figure,
    Link,
    Measure,
    MeasureFit,
    MeasureItem,
    NextSteps,
    Option,
    Presentation,
    PriorModifier,
    Prompt,
    RedFlag,
    Region,
    Source,
)
from desktop_app.core.predicates import Predicate


def build_source(e: Entry) -> Source:
    return Source(
        e.text("id"), e.text("citation"), e.choice("verification", VERIFICATION), e.text("url", "")
    )


def build_presentation(e: Entry) -> Presentation:
    return Presentation(
        e.text("id"),
        e.text("name"),
        e.text("description"),
        e.strings("prompts"),
        e.strings("exam_items"),
    )


def build_prompt(e: Entry) -> Prompt:
    answer_type = e.choice("answer_type", ANSWER_TYPES)
    options = tuple(
        Option(o.text("id"), o.text("label"))
        for n, raw in enumerate(e.get("options", list, []), start=1)
        for o in [sub_entry(e, raw, f"option {n}", {"id", "label"})]
    )
    if answer_type in ("single_choice", "multiple_choice") and len(options) < 2:
        e.fail(f"a {answer_type} prompt needs at least two options")
    if answer_type not in ("single_choice", "multiple_choice") and options:
        e.fail(f"a {answer_type} prompt takes no options")
    minimum, maximum = e.number("minimum", None), e.number("maximum", None)
    if answer_type in ("number", "duration"):
        if minimum is None or maximum is None or not e.text("unit", ""):
            e.fail(f"a {answer_type} prompt needs 'unit', 'minimum' and 'maximum'")
        assert minimum is not None and maximum is not None
        if minimum >= maximum:
            e.fail("'minimum' must be below 'maximum'")
    if answer_type == "scale":
        minimum, maximum = 0.0, 10.0
    return Prompt(
        id=e.text("id"),
        topic=e.text("topic"),
        question=e.text("question"),
        answer_type=answer_type,
        help=e.text("help", ""),
        options=options,
        unit=e.text("unit", ""),
        minimum=minimum,
        maximum=maximum,
        show_when=e.predicate("show_when", None),
        retired=bool(e.get("retired", bool, False)),
    )


_ACCURACY_KEYS = {
    "target",
    "source",
    "sensitivity",
    "specificity",
    "lr_pos",
    "lr_neg",
    "reference_standard",
    "note",
}


def build_exam_item(e: Entry) -> ExamItem:
    result_type = e.choice("result_type", RESULT_TYPES, "binary")
    accuracy = []
    for n, raw in enumerate(e.get("accuracy", list, []), start=1):
        a = sub_entry(e, raw, f"accuracy {n}", _ACCURACY_KEYS)
        accuracy.append(
            Accuracy(
                target=a.text("target"),
                source=a.text("source"),
                sensitivity=a.probability("sensitivity", None),
                specificity=a.probability("specificity", None),
                lr_pos=a.number("lr_pos", None),
                lr_neg=a.number("lr_neg", None),
                reference_standard=a.text("reference_standard", ""),
                note=a.text("note", ""),
            )
        )
    minimum, maximum = e.number("minimum", None), e.number("maximum", None)
    if result_type == "measurement" and (minimum is None or maximum is None):
        e.fail("a measurement needs 'minimum' and 'maximum'")
    return ExamItem(
        id=e.text("id"),
        name=e.text("name"),
        region=e.text("region"),
        sided=bool(e.get("sided", bool)),
        how_to=e.text("how_to"),
        positive=e.text("positive"),
        result_type=result_type,
        unit=e.text("unit", ""),
        minimum=minimum,
        maximum=maximum,
        accuracy=tuple(accuracy),
        retired=bool(e.get("retired", bool, False)),
    )


_PROVENANCE = {"source", "estimate", "rationale"}
_FIGURE_KEYS = {"value", *_PROVENANCE}
_LINK_KEYS = {"label", "when", "lr_pos", "lr_neg", "source", "estimate", "rationale", "group"}
_MODIFIER_KEYS = {"when", "odds_ratio", *_PROVENANCE}


def _figure(e: Entry) -> Figure:
    source, estimate, rationale = e.provenance()
    value = e.probability("value")
    assert value is not None
    return Figure(value, source, estimate, rationale)


def build_condition(e: Entry) -> Condition:
    priors = {}
    for pid, raw in e.get("priors", dict).items():
        prior = _figure(sub_entry(e, raw, f"prior {pid}", _FIGURE_KEYS))
        if not 0 < prior.value < 1:
            e.fail(f"prior for {pid} must be strictly between 0 and 1")
        priors[str(pid)] = prior
    links = []
    for n, raw in enumerate(e.get("links", list, []), start=1):
        le = sub_entry(e, raw, f"link {n}", _LINK_KEYS)
        source, estimate, rationale = le.provenance()
        when = le.predicate("when")
        assert when is not None
        links.append(
            Link(
                label=le.text("label"),
                when=when,
                lr_pos=le.ratio("lr_pos"),
                lr_neg=le.ratio("lr_neg"),
                source=source,
                estimate=estimate,
                rationale=rationale,
                group=le.text("group", None),
            )
        )
    steps_raw = e.get("next_steps", dict, {})
    s = sub_entry(e, steps_raw, "next_steps", {"imaging", "referral", "management", *_PROVENANCE})
    source, estimate, rationale = s.provenance() if steps_raw else (None, False, "")
    steps = NextSteps(
        s.strings("imaging", ()),
        s.strings("referral", ()),
        s.strings("management", ()),
        source,
        estimate,
        rationale,
    )
    return Condition(
        id=e.text("id"),
        name=e.text("name"),
        description=e.text("description"),
        urgency=e.choice("urgency", URGENCIES),
        priors=priors,
        links=tuple(links),
        next_steps=steps,
        parent=e.text("parent", None),
        prior_modifiers=_prior_modifiers(e),
    )


def _prior_modifiers(e: Entry) -> tuple[PriorModifier, ...]:
    modifiers = []
    for n, raw in enumerate(e.get("prior_modifiers", list, []), start=1):
        m = sub_entry(e, raw, f"prior modifier {n}", _MODIFIER_KEYS)
        source, estimate, rationale = m.provenance()
        when = m.predicate("when")
        assert when is not None
        odds_ratio = m.number("odds_ratio")
        assert odds_ratio is not None
        if odds_ratio <= 0:
            m.fail(f"'odds_ratio' must be positive, got {odds_ratio}")
        modifiers.append(PriorModifier(when, odds_ratio, source, estimate, rationale))
    return tuple(modifiers)


def build_red_flag(e: Entry) -> RedFlag:
    source, estimate, rationale = e.provenance()
    when = e.predicate("when")
    assert when is not None
    return RedFlag(
        id=e.text("id"),
        name=e.text("name"),
        urgency=e.choice("urgency", URGENCIES),
        when=when,
        action=e.text("action"),
        source=source,
        estimate=estimate,
        rationale=rationale,
        conditions=e.strings("conditions", ()),
        screen=e.strings("screen", ()),
        safety_net=e.text("safety_net", ""),
        safety_net_when=_safety_net_when(e),
    )


def _safety_net_when(e: Entry) -> Predicate | None:
    when = e.predicate("safety_net_when", None)
    if when is not None and "safety_net" not in e.raw:
        e.fail("'safety_net_when' needs the 'safety_net' advice it gives")
    return when


def build_measure(e: Entry) -> Measure:
    scoring = e.choice("scoring", ("sum", "mean", "total_only"))
    items = []
    for n, raw in enumerate(e.get("items", list, []), start=1):
        i = sub_entry(e, raw, f"item {n}", {"id", "text", "minimum", "maximum", "anchors"})
        anchors = {int(k): str(v) for k, v in i.get("anchors", dict, {}).items()}
        lo, hi = i.number("minimum"), i.number("maximum")
        assert lo is not None and hi is not None
        items.append(MeasureItem(i.text("id"), i.text("text"), lo, hi, anchors))
    patient_specific = bool(e.get("patient_specific", bool, False))
    if scoring == "total_only" and items:
        e.fail("a total_only measure embeds no items")
    if scoring != "total_only" and not items and not patient_specific:
        e.fail("a scored measure needs items")
    mcid_e = sub_entry(e, e.get("mcid", dict), "mcid", _FIGURE_KEYS)
    source, estimate, rationale = mcid_e.provenance()
    mcid_value = mcid_e.number("value")
    assert mcid_value is not None
    mcid = Figure(mcid_value, source, estimate, rationale)
    lo, hi = e.number("minimum"), e.number("maximum")
    assert lo is not None and hi is not None
    return Measure(
        id=e.text("id"),
        name=e.text("name"),
        scoring=scoring,
        minimum=lo,
        maximum=hi,
        higher_is_better=bool(e.get("higher_is_better", bool)),
        mcid=mcid,
        licence=e.text("licence"),
        items=tuple(items),
        patient_specific=patient_specific,
        max_items=int(e.number("max_items", 0) or 0),
        instructions=e.text("instructions", ""),
        source=e.text("source", None),
        suited_for=_measure_fit(e),
    )


def _measure_fit(e: Entry) -> MeasureFit | None:
    """`suited_for: {conditions: [IDs] or all, source | estimate + rationale}`."""
    raw = e.get("suited_for", dict, None)
    if raw is None:
        return None
    f = sub_entry(e, raw, "suited_for", {"conditions", *_PROVENANCE})
    source, estimate, rationale = f.provenance()
    conditions = f.raw.get("conditions")
    if conditions == "all":
        return MeasureFit((), True, source, estimate, rationale)
    ids = f.strings("conditions")
    if not ids:
        f.fail("'conditions' must list condition IDs or be 'all'")
    return MeasureFit(ids, False, source, estimate, rationale)


def build_body_chart(directory: Path) -> BodyChart:
    name = "body_chart.yaml"
    root = Entry(name, "(file)", read_yaml(directory, name), {"regions", "symptoms", "qualities"})
    regions = tuple(
        Region(r.text("id"), r.text("name"), r.strings("views"))
        for n, raw in enumerate(root.get("regions", list), start=1)
        for r in [Entry(name, f"region {n}", raw, {"id", "name", "views"})]
    )
    symptoms = tuple(
        Option(s.text("id"), s.text("label"))
        for n, raw in enumerate(root.get("symptoms", list), start=1)
        for s in [Entry(name, f"symptom {n}", raw, {"id", "label"})]
    )
    qualities = tuple(
        Option(q.text("id"), q.text("label"))
        for n, raw in enumerate(root.get("qualities", list, []), start=1)
        for q in [Entry(name, f"quality {n}", raw, {"id", "label"})]
    )
    return BodyChart(regions, symptoms, qualities)


# The list-of-entries files: (file, keys an entry may have besides ``id``, builder).
