"""A tiny knowledge base written inside the tests: engine tests never depend on shipped content."""

from pathlib import Path

import yaml

from desktop_app.core.knowledge import KnowledgeBase, load_knowledge_base

FILES = {
    "manifest.yaml": {"version": "test-1", "title": "Tiny"},
    "sources.yaml": [{"id": "src", "citation": "Test source 2020", "verification": "verified"}],
    "presentations.yaml": [
        {
            "id": "pain",
            "name": "Pain",
            "description": "Pain",
            "prompts": ["sitting", "fever", "drug", "age"],
            "exam_items": ["test_a", "test_b", "strength"],
        },
        {
            "id": "dent",
            "name": "Dent",
            "description": "Dent",
            "prompts": ["sitting"],
            "exam_items": ["test_a"],
        },
    ],
    "prompts.yaml": [
        {"id": "sitting", "topic": "Sitting", "question": "Pain sitting?", "answer_type": "yes_no"},
        {"id": "fever", "topic": "Screen", "question": "Fever?", "answer_type": "yes_no"},
        {
            "id": "drug",
            "topic": "Screen",
            "question": "Which drug?",
            "answer_type": "single_choice",
            "options": [{"id": "steroid", "label": "Steroid"}, {"id": "other", "label": "Other"}],
            "show_when": {"answer": "fever", "equals": "yes"},
        },
        {
            "id": "age",
            "topic": "About",
            "question": "Age",
            "answer_type": "number",
            "unit": "years",
            "minimum": 0,
            "maximum": 120,
        },
    ],
    "exam_items.yaml": [
        {
            "id": "test_a",
            "name": "Test A",
            "region": "Hip",
            "sided": True,
            "how_to": "Do A",
            "positive": "Pain",
        },
        {
            "id": "test_b",
            "name": "Test B",
            "region": "Hip",
            "sided": False,
            "how_to": "Do B",
            "positive": "Pain",
        },
        {
            "id": "strength",
            "name": "Strength",
            "region": "Hip",
            "sided": True,
            "how_to": "Push",
            "positive": "Below 4",
            "result_type": "measurement",
            "minimum": 0,
            "maximum": 5,
        },
    ],
    "conditions.yaml": [
        {
            "id": "alpha",
            "name": "Alpha",
            "description": "A",
            "urgency": "routine",
            "priors": {
                "pain": {"value": 0.2, "source": "src"},
                "dent": {"value": 0.4, "source": "src"},
            },
            "links": [
                {
                    "label": "Test A positive",
                    "when": {"exam": "test_a", "is": "positive"},
                    "lr_pos": 4.0,
                    "lr_neg": 0.5,
                    "source": "src",
                    "group": "ab",
                },
                {
                    "label": "Test B positive",
                    "when": {"exam": "test_b", "is": "positive"},
                    "lr_pos": 2.0,
                    "lr_neg": 0.8,
                    "source": "src",
                    "group": "ab",
                },
                {
                    "label": "Weak",
                    "when": {"exam": "strength", "below": 4},
                    "lr_pos": 3.0,
                    "source": "src",
                },
            ],
        },
        {
            "id": "beta",
            "name": "Beta",
            "description": "B",
            "urgency": "routine",
            "priors": {
                "pain": {"value": 0.2, "estimate": True, "rationale": "guess"},
                "dent": {"value": 0.1, "estimate": True, "rationale": "guess"},
            },
            "links": [
                {
                    "label": "Pain sitting",
                    "when": {"answer": "sitting", "equals": "yes"},
                    "lr_pos": 5.0,
                    "lr_neg": 0.2,
                    "estimate": True,
                    "rationale": "guess",
                },
            ],
        },
        {
            "id": "gamma",
            "name": "Gamma",
            "description": "C",
            "urgency": "emergency",
            "priors": {
                "pain": {"value": 0.01, "source": "src"},
                "dent": {"value": 0.01, "source": "src"},
            },
            "links": [
                {
                    "label": "Fever",
                    "when": {"answer": "fever", "equals": "yes"},
                    "lr_pos": 10.0,
                    "source": "src",
                },
            ],
        },
    ],
    "red_flags.yaml": [
        {
            "id": "hot",
            "name": "Fever and steroid",
            "urgency": "urgent",
            "source": "src",
            "when": {
                "all": [
                    {"answer": "fever", "equals": "yes"},
                    {"answer": "drug", "equals": "steroid"},
                ]
            },
            "action": "Refer today",
        },
        {
            "id": "old",
            "name": "Old and dent",
            "urgency": "routine",
            "source": "src",
            "when": {
                "all": [
                    {"answer": "age", "at_least": 70},
                    {"mark": "depression", "regions": ["buttock"]},
                ]
            },
            "action": "Review",
        },
    ],
    "measures.yaml": [
        {
            "id": "pain_scale",
            "name": "Pain",
            "scoring": "sum",
            "minimum": 0,
            "maximum": 10,
            "higher_is_better": False,
            "mcid": {"value": 2, "source": "src"},
            "licence": "Public",
            "items": [{"id": "now", "text": "Now", "minimum": 0, "maximum": 10}],
        },
        {
            "id": "function",
            "name": "Function",
            "scoring": "sum",
            "minimum": 0,
            "maximum": 8,
            "higher_is_better": True,
            "mcid": {"value": 3, "source": "src"},
            "licence": "Free",
            "items": [
                {"id": "a", "text": "A", "minimum": 0, "maximum": 4},
                {"id": "b", "text": "B", "minimum": 0, "maximum": 4},
            ],
        },
        {
            "id": "psfs",
            "name": "PSFS",
            "scoring": "mean",
            "minimum": 0,
            "maximum": 10,
            "higher_is_better": True,
            "mcid": {"value": 2, "source": "src"},
            "licence": "Free",
            "patient_specific": True,
            "max_items": 3,
        },
        {
            "id": "paper",
            "name": "Paper only",
            "scoring": "total_only",
            "minimum": 0,
            "maximum": 100,
            "higher_is_better": True,
            "mcid": {"value": 10, "estimate": True, "rationale": "none published"},
            "licence": "Items may not be embedded",
        },
    ],
    "body_chart.yaml": {
        "regions": [{"id": "buttock", "name": "Buttock", "views": ["posterior"]}],
        "symptoms": [{"id": "pain", "label": "Pain"}, {"id": "depression", "label": "Dent"}],
    },
}


def write_tiny_kb(directory: Path, overrides: dict | None = None) -> Path:
    """Write the tiny KB (with any file replaced by `overrides`) and return its directory."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, data in {**FILES, **(overrides or {})}.items():
        text = data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False)
        (directory / name).write_text(text, encoding="utf-8")
    return directory


def tiny_kb(directory: Path) -> KnowledgeBase:
    return load_knowledge_base(write_tiny_kb(directory))
