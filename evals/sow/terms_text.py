"""General terms and conditions set in two columns; `{this}` and `{This}` name the document."""

GENERAL_TERMS: tuple[tuple[str, str], ...] = (
    ("Definitions", (
        "Capitalised terms used in these general terms have the meanings given to them in {this}. "
        "\"Confidential Information\" means any non-public information disclosed by one party to the other "
        "that is marked as confidential or that a reasonable person would understand to be confidential. "
        "\"Deliverables\" means the work product identified as such in {this}, and \"Personnel\" means the "
        "employees and permitted subcontractors of a party engaged in the performance of the Services."
    )),
    ("Independent Contractor", (
        "Provider performs the Services as an independent contractor. Nothing in {this} creates a "
        "partnership, joint venture, agency or employment relationship between the parties. Provider is "
        "solely responsible for the compensation, benefits, taxes and social security contributions of its "
        "Personnel and will indemnify Client against any claim that Provider Personnel are employees of "
        "Client."
    )),
    ("Personnel", (
        "Provider will assign Personnel with the skills and experience needed to perform the Services in a "
        "professional manner. Provider will not replace key Personnel named in {this} without reasonable "
        "prior notice to Client, except in cases of illness, resignation or other circumstances beyond "
        "Provider's control. Provider Personnel working at Client sites will comply with Client's "
        "reasonable security, health and safety policies communicated to Provider in advance."
    )),
    ("Client Responsibilities", (
        "Client will provide timely decisions, information, access to premises and systems, and the "
        "cooperation of its staff as reasonably required for the Services. Provider is not responsible for "
        "any delay or failure to the extent caused by Client's failure to meet these responsibilities, and "
        "the parties will agree any resulting change to the schedule or fees through change control."
    )),
    ("Intellectual Property", (
        "Upon payment in full of the fees for a Deliverable, Client owns the Deliverable, excluding "
        "Provider's pre-existing materials and general know-how. Provider grants Client a non-exclusive, "
        "perpetual, royalty-free licence to use any pre-existing materials incorporated into a Deliverable "
        "solely as part of that Deliverable. Each party retains all rights in its own tools, methodologies "
        "and software."
    )),
    ("Warranties", (
        "Provider warrants that the Services will be performed with reasonable skill and care in accordance "
        "with generally accepted industry standards, and that each Deliverable will conform in all material "
        "respects to its description in {this} for ninety days after acceptance. Client's exclusive remedy "
        "for breach of this warranty is the re-performance of the non-conforming Services at no additional "
        "charge. All other warranties, express or implied, are excluded to the extent permitted by law."
    )),
    ("Indemnification", (
        "Provider will defend Client against any third-party claim that a Deliverable infringes that third "
        "party's intellectual property rights, and will pay the damages and costs finally awarded. Client "
        "will promptly notify Provider of the claim, give Provider sole control of its defence and provide "
        "reasonable assistance. This indemnity does not apply to claims arising from modifications made by "
        "Client."
    )),
    ("Data Protection", (
        "Where Provider processes personal data on behalf of Client, Provider will process it only on "
        "Client's documented instructions, implement appropriate technical and organisational security "
        "measures, ensure that Personnel are bound by confidentiality, and notify Client without undue "
        "delay of any personal data breach. The parties will enter into any further data processing terms "
        "required by applicable law."
    )),
    ("Non-Solicitation", (
        "During the term of {this} and for twelve months thereafter, neither party will solicit for "
        "employment any employee of the other party who was directly involved in the Services, without the "
        "other party's prior written consent. General advertisements not targeted at the other party's "
        "employees do not breach this clause."
    )),
    ("Force Majeure", (
        "Neither party is liable for any delay or failure to perform caused by events beyond its reasonable "
        "control, including natural disasters, epidemics, war, terrorism, labour disputes affecting third "
        "parties, or failures of public utilities or networks. The affected party will notify the other "
        "party promptly and use reasonable efforts to resume performance as soon as practicable."
    )),
    ("Notices", (
        "Notices under {this} must be in writing and delivered by hand, by recognised courier or by email "
        "with confirmation of receipt to the addresses stated in {this} or later notified by a party. A "
        "notice is effective on receipt, or on the next business day if received outside normal business "
        "hours."
    )),
    ("Assignment", (
        "Neither party may assign or transfer {this} without the prior written consent of the other party, "
        "which will not be unreasonably withheld, except that either party may assign {this} to a successor "
        "in connection with a merger, acquisition or sale of all or substantially all of its assets."
    )),
    ("Dispute Resolution", (
        "The parties will attempt in good faith to resolve any dispute arising out of {this} by escalation "
        "to their respective project sponsors and, if unresolved within fifteen business days, to senior "
        "executives. Nothing in this clause prevents a party from seeking urgent injunctive relief."
    )),
    ("Audit and Records", (
        "Provider will keep accurate records of time and expenses charged under {this} for three years "
        "after the final invoice and will make them available to Client, on reasonable notice and not more "
        "than once per year, for the purpose of verifying invoices."
    )),
    ("Publicity", (
        "Neither party will use the other party's name or logo in any press release, advertisement or "
        "client list without the other party's prior written approval."
    )),
    ("Severability", (
        "If any provision of {this} is held invalid or unenforceable, the remaining provisions remain in "
        "full force, and the invalid provision will be replaced by a valid provision that most closely "
        "reflects the parties' original intent."
    )),
    ("Entire Agreement", (
        "{This} (together with any master agreement under which it is issued) constitutes the entire "
        "agreement between the parties regarding its subject matter and supersedes all prior proposals, "
        "negotiations and understandings. Any amendment must be in writing and signed by both parties."
    )),
    ("Counterparts and Electronic Signatures", (
        "{This} may be executed in counterparts, each of which is an original and all of which together "
        "form one instrument. Signatures delivered electronically or by scanned copy are as binding as "
        "originals."
    )),
    ("Survival", (
        "Provisions which by their nature should survive termination or expiry of {this}, including those "
        "on confidentiality, intellectual property, limitation of liability and payment of accrued fees, "
        "survive."
    )),
)  # fmt: skip
