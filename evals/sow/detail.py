"""Optional body sections that make documents longer and more varied without adding ground-truth values."""

from datetime import timedelta

from evals.sow.blocks import Block, Bullets, Grid, Para, Voice

DETAIL_SECTIONS = (
    "approach",
    "responsibilities",
    "governance",
    "acceptance_criteria",
    "service_levels",
    "plan",
)

_PHASE_ACTIVITIES = (
    "Provider will run workshops with Client stakeholders to confirm requirements, priorities and "
    "constraints, and will document the agreed outcomes.",
    "Provider will design, build and configure the components planned for this phase and will review "
    "progress with Client every week.",
    "Provider will test the outputs of this phase against the agreed acceptance criteria and will "
    "remediate defects attributable to Provider.",
    "Provider will deliver knowledge-transfer sessions so that Client staff can operate the solution "
    "independently.",
    "Provider will produce a phase-end report summarising progress, risks, open issues and next steps for "
    "Client's approval.",
    "Provider will coordinate with Client's third-party vendors where their input is needed for this phase.",
)
_RESPONSIBILITIES = (
    ("Project management and status reporting", "Lead", "Support"),
    ("Requirements and design sign-off", "Support", "Approve"),
    ("Provisioning of environments and access", "Support", "Lead"),
    ("Solution build and configuration", "Lead", "Consulted"),
    ("User acceptance testing", "Support", "Lead"),
    ("Training of key users", "Lead", "Attend"),
    ("Communication to end users", "Support", "Lead"),
)
_CRITERIA = (
    "Reviewed and approved in writing by Client's project sponsor",
    "Passes the agreed test cases with no open priority 1 or 2 defects",
    "Delivered in editable electronic format and walked through with Client",
    "Conforms to the outline agreed at the start of the relevant phase",
)
_SERVICE_LEVELS = (
    ("P1 - Critical", "Service unavailable for all users", "1 hour", "8 hours"),
    ("P2 - High", "Major function degraded", "4 hours", "2 business days"),
    ("P3 - Medium", "Minor function affected, workaround exists", "1 business day", "5 business days"),
    ("P4 - Low", "Question or cosmetic issue", "2 business days", "Next scheduled release"),
)


def detail_sections(voice: Voice, names: tuple[str, ...]) -> list[tuple[str, list[Block]]]:
    builders = {
        "approach": ("Approach", _approach),
        "responsibilities": ("Roles and Responsibilities", _responsibilities),
        "governance": ("Governance and Reporting", _governance),
        "acceptance_criteria": ("Deliverable Acceptance Criteria", _acceptance_criteria),
        "service_levels": ("Service Levels", _service_levels),
        "plan": ("Indicative Project Plan", _plan),
    }
    return [(builders[name][0], builders[name][1](voice)) for name in DETAIL_SECTIONS if name in names]


def _approach(voice: Voice) -> list[Block]:
    blocks: list[Block] = [
        Para(f"Provider will deliver the Services in the following phases ({voice.this} scope):")
    ]
    for phase in voice.spec.phases:
        activities = " ".join(voice.rng.sample(_PHASE_ACTIVITIES, 2))
        blocks.append(Para(f"<b>{voice.text(phase)}.</b> {activities}"))
    return blocks


def _responsibilities(voice: Voice) -> list[Block]:
    rows = tuple(voice.rng.sample(_RESPONSIBILITIES, voice.rng.randint(4, len(_RESPONSIBILITIES))))
    return [Grid(("Activity", "Provider", "Client"), rows, None, (0.6, 0.2, 0.2))]


def _governance(voice: Voice) -> list[Block]:
    return [
        Para(
            "The parties will hold a weekly project status meeting and a monthly steering committee chaired "
            "by Client's project sponsor. Provider will circulate a written status report before each "
            "steering committee covering progress against plan, budget consumed, risks, issues and "
            "decisions required."
        ),
        Bullets(
            (
                "Issues not resolved by the project managers within five business days are escalated to "
                "the steering committee.",
                "Each party will nominate a deputy for its project manager during planned absences.",
                "Minutes of steering committee meetings are approved by both parties.",
            )
        ),
    ]


def _acceptance_criteria(voice: Voice) -> list[Block]:
    rows = tuple((voice.text(item), voice.rng.choice(_CRITERIA)) for item in voice.spec.deliverables)
    return [Grid(("Deliverable", "Acceptance Criteria"), rows, None, (0.45, 0.55))]


def _service_levels(voice: Voice) -> list[Block]:
    intro = Para(
        "Provider will respond to and resolve incidents reported by Client within the following targets:"
    )
    header = ("Priority", "Description", "Response", "Resolution Target")
    return [intro, Grid(header, _SERVICE_LEVELS, None, (0.17, 0.43, 0.17, 0.23))]


def _plan(voice: Voice) -> list[Block]:
    spec = voice.spec
    start = spec.start_date or spec.issue_date
    end = spec.end_date if spec.end_date and not spec.end_date_mistyped else start + timedelta(days=180)
    step = max(7, (end - start).days // len(spec.phases))
    rows = tuple(
        (
            voice.text(phase),
            voice.day(start + timedelta(days=index * step)),
            voice.day(start + timedelta(days=(index + 1) * step - 1)),
        )
        for index, phase in enumerate(spec.phases)
    )
    note = Para("Dates are indicative and will be confirmed in the baseline project plan.")
    return [Grid(("Phase", "Indicative Start", "Indicative Finish"), rows, None, (0.5, 0.25, 0.25)), note]
