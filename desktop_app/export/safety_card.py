"""The patient's safety-net card: one page, plain language, what to watch for and what to do.

The advice is the knowledge base's `safety_net` text of every rule that fired or whose
`safety_net_when` holds (core.safety), read through core.safety_wording like the summary, so the
card and the clinician's record always say the same thing.
"""

from __future__ import annotations

from typing import Any

from desktop_app.core import safety_wording as sw
from desktop_app.export import layout
from desktop_app.export.bundle import VisitBundle
from desktop_app.export.fonts import markup
from desktop_app.export.sections import letterhead, para, rich, spacer
from desktop_app.export.summary import body_width, page_info
from desktop_app.export.wording import format_date

TITLE = "Your safety-net advice"
NO_ADVICE = (
    "Nothing recorded at this visit calls for specific warning signs. If your symptoms change "
    "suddenly or you feel unwell, contact your clinician or your doctor."
)
GENERAL = (
    "This card lists warning signs to act on. It does not replace the advice your clinician "
    "gave you in person. In an emergency call your local emergency number."
)


def render_safety_card(bundle: VisitBundle) -> bytes:
    """One page for the patient: each warning sign and its action, then who to contact."""
    width = body_width(bundle)
    advice = sw.safety_net_texts(bundle.differential)
    settings = bundle.settings
    story: list[Any] = [
        *letterhead(settings, TITLE, width),
        para(f"For {bundle.patient.name}, seen on {format_date(bundle.visit.visit_date)}."),
        spacer(4),
        para(sw.SAFETY_NET_TITLE, "h2"),
    ]
    if advice:
        story += [rich(f"• {markup(text)}") for text in advice]
    else:
        story.append(para(NO_ADVICE))
    story += [spacer(6), para(GENERAL, "muted")]
    contact = " · ".join(p for p in (bundle.author, settings.clinic_name) if p)
    if contact:
        story.append(para(f"Your clinician: {contact}"))
    template = layout.FINAL if bundle.visit.is_signed else layout.DRAFT
    return layout.render(page_info(bundle, TITLE), story, template)
