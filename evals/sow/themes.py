"""Service lines: what a document is about — its project names, deliverables, phases, roles and exclusions."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    service_line: str
    project_names: tuple[str, ...]
    background: str
    deliverables: tuple[str, ...]
    phases: tuple[str, ...]
    roles: tuple[tuple[str, int], ...]
    assumptions: tuple[str, ...]
    out_of_scope: tuple[str, ...]
    subcontracted: tuple[str, ...]


THEMES: tuple[Theme, ...] = (
    Theme(
        service_line="Cloud Migration",
        project_names=("Cloud Migration Phase {n}", "Data Centre Exit Programme", "Azure Landing Zone Build"),
        background="consolidate its on-premises workloads onto a managed public cloud platform",
        deliverables=(
            "Current-state application inventory and dependency map",
            "Target cloud architecture and landing zone design",
            "Migration wave plan covering all in-scope workloads",
            "Migrated production workloads with cut-over runbooks",
            "Cloud cost baseline and optimisation report",
            "Operations handbook and knowledge-transfer sessions",
            "Disaster recovery test report",
        ),
        phases=(
            "Discovery and Assessment",
            "Landing Zone Build",
            "Migration Wave 1",
            "Migration Wave 2",
            "Cut-over and Hypercare",
            "Project Closure",
        ),
        roles=(
            ("Engagement Manager", 210),
            ("Cloud Architect", 225),
            ("Migration Engineer", 165),
            ("DevOps Engineer", 170),
            ("Project Coordinator", 95),
            ("Security Specialist", 205),
        ),
        assumptions=(
            "The Client will provide administrator access to source environments within five business days.",
            "No more than 120 virtual machines are in scope for migration.",
            "Application owners will be available for cut-over testing during each migration wave.",
        ),
        out_of_scope=(
            "Re-architecture or refactoring of application source code",
            "Licensing costs for cloud consumption and third-party software",
            "Migration of mainframe workloads",
            "Ongoing managed services after the hypercare period",
        ),
        subcontracted=(
            "network cabling and data centre decommissioning",
            "penetration testing of the landing zone",
        ),
    ),
    Theme(
        service_line="Data Platform",
        project_names=("Enterprise Data Platform", "Analytics Modernisation", "Customer Data Hub"),
        background="replace its legacy reporting warehouse with a governed, cloud-based analytics platform",
        deliverables=(
            "Data platform reference architecture",
            "Ingestion pipelines for up to 25 source systems",
            "Conformed data model for finance and sales domains",
            "Data quality rules and monitoring dashboards",
            "Twelve executive and operational reports",
            "Data governance operating model",
            "Run book and administrator training",
        ),
        phases=(
            "Inception",
            "Platform Foundation",
            "Finance Domain Release",
            "Sales Domain Release",
            "Reporting Rollout",
            "Handover",
        ),
        roles=(
            ("Engagement Lead", 230),
            ("Data Architect", 215),
            ("Data Engineer", 160),
            ("Analytics Engineer", 150),
            ("BI Developer", 135),
            ("Business Analyst", 120),
        ),
        assumptions=(
            "Source systems expose their data through documented interfaces or database read access.",
            "The Client will nominate a data owner for each in-scope domain.",
            "Historical data loads are limited to the last five fiscal years.",
        ),
        out_of_scope=(
            "Cleansing of source-system master data",
            "Machine learning models and advanced analytics",
            "Procurement of platform subscriptions",
            "Reports beyond the twelve listed in the Deliverables",
        ),
        subcontracted=("data migration of historical archives", "accessibility review of dashboards"),
    ),
    Theme(
        service_line="ERP Implementation",
        project_names=(
            "ERP Finance Transformation",
            "S/4 Implementation Wave {n}",
            "Finance Systems Renewal",
        ),
        background="implement a new enterprise resource planning system for finance, procurement and stock",
        deliverables=(
            "Business process design documents",
            "Configured ERP solution for finance and procurement",
            "Data migration of open items and master data",
            "Integration with payroll and banking interfaces",
            "User acceptance test scripts and results",
            "End-user training materials",
            "Go-live cut-over plan",
        ),
        phases=(
            "Plan and Design",
            "Build",
            "System Integration Test",
            "User Acceptance Test",
            "Go-Live",
            "Post Go-Live Support",
        ),
        roles=(
            ("Programme Director", 260),
            ("Solution Architect", 235),
            ("Functional Consultant", 185),
            ("Technical Consultant", 175),
            ("Test Lead", 140),
            ("Change Manager", 150),
        ),
        assumptions=(
            "The Client will make key users available for at least two days per week during design.",
            "Standard ERP functionality will be used wherever possible.",
            "No more than three legal entities are in scope.",
        ),
        out_of_scope=(
            "Payroll processing and human capital management",
            "Custom development beyond ten enhancement objects",
            "Hardware procurement",
            "Tax advice of any kind",
        ),
        subcontracted=("bank interface certification", "localisation for statutory reporting"),
    ),
    Theme(
        service_line="Cybersecurity",
        project_names=("Security Posture Assessment", "Zero Trust Roadmap", "ISO 27001 Readiness Programme"),
        background="assess and strengthen its information security controls ahead of a certification audit",
        deliverables=(
            "Security control assessment report",
            "External and internal penetration test reports",
            "Risk register with remediation priorities",
            "Information security policy set",
            "Incident response playbooks",
            "Board-level summary presentation",
        ),
        phases=(
            "Kick-off and Scoping",
            "Control Assessment",
            "Technical Testing",
            "Remediation Planning",
            "Certification Readiness Review",
        ),
        roles=(
            ("Engagement Partner", 295),
            ("Security Architect", 230),
            ("Penetration Tester", 190),
            ("GRC Consultant", 175),
            ("Security Analyst", 130),
        ),
        assumptions=(
            "Testing windows will be agreed in writing at least five business days in advance.",
            "The Client will obtain any third-party consents needed for testing hosted systems.",
            "No more than four office locations are in scope.",
        ),
        out_of_scope=(
            "Remediation of identified vulnerabilities",
            "Physical security testing",
            "Certification audit fees",
            "Social engineering campaigns",
        ),
        subcontracted=("red-team exercise", "source code security review"),
    ),
    Theme(
        service_line="Digital Experience",
        project_names=("Customer Portal Redesign", "Mobile App Rebuild", "E-commerce Replatforming"),
        background="redesign its customer-facing web and mobile channels",
        deliverables=(
            "User research findings and personas",
            "Design system and UI component library",
            "Responsive customer portal",
            "iOS and Android applications",
            "Content migration of up to 400 pages",
            "Analytics tagging plan and implementation",
            "Launch readiness report",
        ),
        phases=(
            "Discovery",
            "Experience Design",
            "Build Sprint 1-4",
            "Build Sprint 5-8",
            "Launch",
            "Warranty Period",
        ),
        roles=(
            ("Delivery Director", 220),
            ("UX Designer", 150),
            ("Front-End Developer", 145),
            ("Mobile Developer", 155),
            ("QA Engineer", 110),
            ("Content Strategist", 115),
        ),
        assumptions=(
            "The Client will supply brand guidelines and approved copy.",
            "Sprint reviews will be attended by the Client's product owner.",
            "Hosting will be provided by the Client's existing cloud tenancy.",
        ),
        out_of_scope=(
            "Photography and video production",
            "Translation into languages other than English",
            "Search engine marketing campaigns",
            "Back-end changes to the Client's order management system",
        ),
        subcontracted=("accessibility audit against WCAG 2.2 AA", "app store submission support"),
    ),
    Theme(
        service_line="Managed Analytics",
        project_names=("Managed Analytics Service", "Reporting Support Retainer", "Insights as a Service"),
        background="obtain ongoing analytics, reporting and data engineering support",
        deliverables=(
            "Monthly service report",
            "Maintained data pipelines and dashboards",
            "Quarterly analytics roadmap review",
            "Up to four new dashboards per quarter",
            "Incident resolution within agreed service levels",
        ),
        phases=("Transition", "Steady State Quarter 1", "Steady State Quarter 2", "Service Review"),
        roles=(
            ("Service Manager", 165),
            ("Senior Data Engineer", 170),
            ("Data Analyst", 115),
            ("Support Engineer", 95),
        ),
        assumptions=(
            "Service hours are 9:00 to 17:00 local time on business days.",
            "The Client will grant the Provider read access to production data.",
            "Unused retainer hours do not roll over to the following month.",
        ),
        out_of_scope=(
            "Round-the-clock on-call support",
            "Projects requiring more than 40 hours of effort, which will be quoted separately",
            "Third-party software licences",
        ),
        subcontracted=("out-of-hours monitoring", "data visualisation design"),
    ),
)

GENERIC_ASSUMPTIONS: tuple[str, ...] = (
    "The Client will provide timely access to facilities, systems and personnel reasonably required.",
    "Work will be performed remotely, with on-site visits as agreed by the parties in advance.",
    "The Client will review and comment on each Deliverable within the acceptance period.",
    "All project communication and documentation will be in English.",
    "The Client is responsible for the accuracy and completeness of the data it provides.",
    "Any delay caused by the Client may result in a change request for schedule and fees.",
)

GENERIC_OUT_OF_SCOPE: tuple[str, ...] = (
    "Hardware, software licences and third-party subscription fees",
    "Legal, tax or accounting advice",
    "Any services not expressly described in this document",
    "Support of systems not listed in the Scope of Services",
)
