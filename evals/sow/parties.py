"""Parties, people, signature blocks, subcontractors and contacts of a generated document."""

import random
from datetime import date, timedelta

from evals.sow import content
from evals.sow.spec import ContactSpec, Party, PartyRole, SignatureBlock, SubcontractorSpec
from evals.sow.themes import Theme

_TLD = {"US": "com", "GB": "co.uk", "DE": "de", "FR": "fr", "ES": "es", "NL": "nl", "IE": "ie", "CA": "ca"}
_TLD |= {"AU": "com.au", "CH": "ch"}
_US_FORMS = {"LLC": "limited liability company", "L.P.": "limited partnership"}


def party(
    rng: random.Random, region: content.Region, stems: tuple[str, ...], kinds: tuple[str, ...]
) -> Party:
    stem, kind, suffix = rng.choice(stems), rng.choice(kinds), rng.choice(region.suffixes)
    comma = "," if suffix in {"Inc.", "LLC", "Ltd.", "L.P."} and rng.random() < 0.6 else ""
    city, postcode = rng.choice(region.cities)
    street = f"{rng.randint(2, 2400)} {rng.choice(region.streets)}"
    if region.code in {"US", "CA"}:
        address = f"{street}, Suite {rng.randint(1, 40) * 100}, {city} {postcode}"
    else:
        address = f"{street}, {postcode} {city}"
    if region.code == "US":
        state = rng.choice(("Delaware", "New York", "California", "Texas"))
        entity = f"a {state} {_US_FORMS.get(suffix, 'corporation')}"
    else:
        entity = rng.choice(region.entity_forms)
    domain = "".join(char for char in stem.lower() if char.isalnum())
    return Party(
        legal_name=f"{stem} {kind}{comma} {suffix}",
        entity=entity,
        address=address,
        email_domain=f"{domain}.{_TLD[region.code]}",
    )


def person(rng: random.Random) -> str:
    return f"{rng.choice(content.FIRST_NAMES)} {rng.choice(content.LAST_NAMES)}"


def signatures(
    rng: random.Random, state: str, issued: date, client: Party, provider: Party
) -> tuple[SignatureBlock, ...]:
    """Signature blocks in `state`: signed, provider_only, unsigned or undated (a name without a date)."""
    dated = {"signed": {"client", "provider"}, "provider_only": {"provider"}, "unsigned": set()}.get(state)
    if dated is None:
        dated = {rng.choice(("client", "provider"))}
    named = dated | ({"client", "provider"} if state == "undated" or rng.random() < 0.5 else set())
    blocks = []
    for role in ("client", "provider"):
        typed = role in named
        signed_on = issued - timedelta(days=rng.randint(0, 6)) if role in dated else None
        blocks.append(
            SignatureBlock(
                party="client" if role == "client" else "provider",
                signer_name=person(rng) if typed else None,
                signer_title=rng.choice(content.SIGNER_TITLES) if typed else None,
                signed_on=signed_on,
                electronic=signed_on is not None and rng.random() < 0.3,
            )
        )
    if rng.random() < 0.5:
        blocks.reverse()
    return tuple(blocks)


def subcontractors(
    rng: random.Random, region: content.Region, theme: Theme, provider: Party
) -> tuple[SubcontractorSpec, ...]:
    count = rng.choices((0, 1, 2), (10, 7, 3))[0]
    scopes = rng.sample(theme.subcontracted, count)
    names: list[str] = []
    while len(names) < count:
        name = party(rng, region, content.PROVIDER_STEMS, content.PROVIDER_KINDS).legal_name
        if name not in names and name != provider.legal_name:
            names.append(name)
    return tuple(SubcontractorSpec(name=name, scope=scope) for name, scope in zip(names, scopes, strict=True))


def contacts(rng: random.Random, client: Party, provider: Party) -> tuple[ContactSpec, ...]:
    found: list[ContactSpec] = []
    sides: tuple[tuple[PartyRole, Party, tuple[str, ...]], ...] = (
        ("client", client, content.CONTACT_ROLES_CLIENT),
        ("provider", provider, content.CONTACT_ROLES_PROVIDER),
    )
    for role, side, titles in sides:
        for title in rng.sample(titles, rng.randint(1, 2)):
            name = person(rng)
            local = ".".join("".join(c for c in part.lower() if c.isalpha()) for part in name.split())
            found.append(ContactSpec(name=name, role=title, party=role, email=f"{local}@{side.email_domain}"))
    return tuple(found)
