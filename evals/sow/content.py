"""Word banks for parties, people and places; every generated document draws its names from here.

Regions tie together what real contracts tie together: the legal-name suffixes a jurisdiction uses, its
currency, the governing-law wording, its paper size and the way it writes dates.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Jurisdiction:
    """A governing-law jurisdiction: `name` is the spec's normalised value, `laws_of` how the text says it."""

    name: str
    laws_of: str
    courts: str


@dataclass(frozen=True)
class Region:
    code: str
    currency: str
    suffixes: tuple[str, ...]
    jurisdictions: tuple[Jurisdiction, ...]
    entity_forms: tuple[str, ...]
    cities: tuple[tuple[str, str], ...]
    streets: tuple[str, ...]
    page_size: str
    date_styles: tuple[str, ...]


def _state(name: str, city: str) -> Jurisdiction:
    return Jurisdiction(
        name, f"the laws of the State of {name}", f"the state and federal courts located in {city}"
    )


REGIONS: tuple[Region, ...] = (
    Region(
        code="US",
        currency="USD",
        suffixes=("Inc.", "LLC", "Corporation", "Corp.", "L.P."),
        jurisdictions=(
            _state("New York", "New York County"),
            _state("Delaware", "Wilmington, Delaware"),
            _state("California", "San Francisco County"),
            _state("Texas", "Travis County, Texas"),
            _state("Illinois", "Cook County, Illinois"),
            Jurisdiction(
                "Massachusetts",
                "the laws of the Commonwealth of Massachusetts",
                "the state and federal courts located in Suffolk County",
            ),
            _state("Washington", "King County, Washington"),
        ),
        entity_forms=(
            "a Delaware corporation",
            "a New York limited liability company",
            "a Texas corporation",
        ),
        cities=(
            ("Boston, MA", "02110"),
            ("Chicago, IL", "60606"),
            ("Austin, TX", "78701"),
            ("Seattle, WA", "98101"),
            ("Denver, CO", "80202"),
            ("Atlanta, GA", "30303"),
            ("New York, NY", "10017"),
        ),
        streets=("Market Street", "Harbor Boulevard", "Pine Avenue", "Water Street", "Congress Avenue"),
        page_size="letter",
        date_styles=("long_us", "long_us", "numeric_us", "iso"),
    ),
    Region(
        code="GB",
        currency="GBP",
        suffixes=("Ltd", "Limited", "plc", "LLP"),
        jurisdictions=(
            Jurisdiction(
                "England and Wales", "the laws of England and Wales", "the courts of England and Wales"
            ),
            Jurisdiction("Scotland", "the laws of Scotland", "the Court of Session in Edinburgh"),
        ),
        entity_forms=("a company registered in England and Wales", "a company incorporated in Scotland"),
        cities=(
            ("London", "EC2A 4NE"),
            ("Manchester", "M1 3BE"),
            ("Leeds", "LS1 4DY"),
            ("Edinburgh", "EH2 2AF"),
        ),
        streets=("Station Road", "Mill Lane", "King Street", "Queen's Road"),
        page_size="a4",
        date_styles=("long_eu", "long_eu", "iso"),
    ),
    Region(
        code="DE",
        currency="EUR",
        suffixes=("GmbH", "AG", "GmbH & Co. KG"),
        jurisdictions=(Jurisdiction("Germany", "the laws of Germany", "the courts of Munich"),),
        entity_forms=("a company organised under the laws of Germany",),
        cities=(
            ("Munich", "80331"),
            ("Hamburg", "20095"),
            ("Berlin", "10117"),
            ("Frankfurt am Main", "60311"),
        ),
        streets=("Hauptstrasse", "Bahnhofstrasse", "Leopoldstrasse"),
        page_size="a4",
        date_styles=("long_eu", "iso"),
    ),
    Region(
        code="FR",
        currency="EUR",
        suffixes=("S.A.", "SAS", "SARL"),
        jurisdictions=(Jurisdiction("France", "the laws of France", "the courts of Paris"),),
        entity_forms=("a société anonyme organised under the laws of France",),
        cities=(("Paris", "75008"), ("Lyon", "69002"), ("Toulouse", "31000")),
        streets=("Rue de la Paix", "Avenue de l'Opera", "Rue Garibaldi"),
        page_size="a4",
        date_styles=("long_eu", "iso"),
    ),
    Region(
        code="ES",
        currency="EUR",
        suffixes=("S.A.", "S.L."),
        jurisdictions=(Jurisdiction("Spain", "the laws of Spain", "the courts of Madrid"),),
        entity_forms=("a company organised under the laws of Spain",),
        cities=(("Madrid", "28046"), ("Barcelona", "08008"), ("Valencia", "46002")),
        streets=("Calle Mayor", "Paseo de Gracia", "Calle de Alcala"),
        page_size="a4",
        date_styles=("long_eu", "iso"),
    ),
    Region(
        code="NL",
        currency="EUR",
        suffixes=("B.V.", "N.V."),
        jurisdictions=(
            Jurisdiction("Netherlands", "the laws of the Netherlands", "the courts of Amsterdam"),
        ),
        entity_forms=("a private limited company organised under the laws of the Netherlands",),
        cities=(("Amsterdam", "1017 XN"), ("Rotterdam", "3011 AD"), ("Utrecht", "3511 LX")),
        streets=("Keizersgracht", "Coolsingel", "Oudegracht"),
        page_size="a4",
        date_styles=("long_eu", "iso"),
    ),
    Region(
        code="IE",
        currency="EUR",
        suffixes=("Limited", "DAC", "Ltd"),
        jurisdictions=(Jurisdiction("Ireland", "the laws of Ireland", "the courts of Ireland"),),
        entity_forms=("a company incorporated in Ireland",),
        cities=(("Dublin 2", "D02 X285"), ("Cork", "T12 W8CF"), ("Galway", "H91 E2K3")),
        streets=("Harcourt Street", "Patrick Street", "Shop Street"),
        page_size="a4",
        date_styles=("long_eu", "iso"),
    ),
    Region(
        code="CA",
        currency="CAD",
        suffixes=("Inc.", "Ltd.", "Corp.", "ULC"),
        jurisdictions=(
            Jurisdiction("Ontario", "the laws of the Province of Ontario", "the courts of Ontario"),
            Jurisdiction(
                "British Columbia",
                "the laws of the Province of British Columbia",
                "the courts of British Columbia",
            ),
        ),
        entity_forms=("an Ontario corporation", "a corporation incorporated under the laws of Canada"),
        cities=(("Toronto, ON", "M5H 2N2"), ("Vancouver, BC", "V6C 3E8"), ("Ottawa, ON", "K1P 5G4")),
        streets=("King Street West", "Bay Street", "West Georgia Street"),
        page_size="letter",
        date_styles=("long_us", "iso"),
    ),
    Region(
        code="AU",
        currency="AUD",
        suffixes=("Pty Ltd", "Pty. Ltd.", "Limited"),
        jurisdictions=(
            Jurisdiction("New South Wales", "the laws of New South Wales", "the courts of New South Wales"),
            Jurisdiction("Victoria", "the laws of Victoria", "the courts of Victoria"),
        ),
        entity_forms=("a company registered in Australia",),
        cities=(("Sydney NSW", "2000"), ("Melbourne VIC", "3000"), ("Brisbane QLD", "4000")),
        streets=("Collins Street", "George Street", "Queen Street"),
        page_size="a4",
        date_styles=("long_eu", "iso"),
    ),
    Region(
        code="CH",
        currency="CHF",
        suffixes=("AG", "SA", "GmbH"),
        jurisdictions=(Jurisdiction("Switzerland", "the laws of Switzerland", "the courts of Zurich"),),
        entity_forms=("a company organised under the laws of Switzerland",),
        cities=(("Zurich", "8001"), ("Geneva", "1204"), ("Basel", "4051")),
        streets=("Bahnhofstrasse", "Rue du Rhone", "Freie Strasse"),
        page_size="a4",
        date_styles=("long_eu", "iso"),
    ),
)

REGION_WEIGHTS: tuple[int, ...] = (10, 3, 2, 1, 1, 1, 1, 2, 1, 1)

CLIENT_STEMS: tuple[str, ...] = (
    "Northwind", "Bluefin", "Cedar Ridge", "Halcyon", "Meridian", "Ironbark", "Lumen", "Quarry Hill",
    "Silverlake", "Harborview", "Granite Peak", "Westbrook", "Aurora", "Pinecrest", "Redwood Valley",
    "Oakmont", "Brightwater", "Stonebridge", "Clearfield", "Highgate", "Marlow", "Kingsford", "Alderley",
    "Riverside", "Copperleaf", "Evergreen", "Fairhaven", "Larkspur", "Sterling Cross", "Vantage Point",
)  # fmt: skip

CLIENT_INDUSTRIES: tuple[str, ...] = (
    "Health", "Logistics", "Foods", "Energy", "Capital", "Insurance", "Retail Group", "Manufacturing",
    "Pharmaceuticals", "Bank", "Utilities", "Hospitality", "Media", "Telecom", "Mobility", "Biosciences",
)  # fmt: skip

PROVIDER_STEMS: tuple[str, ...] = (
    "Brightline", "Kestrel", "Arcadia", "Tessellate", "Northbeam", "Bluewave", "Cobalt", "Fernhill",
    "Lattice", "Orbital", "Parallax", "Quantive", "Sable", "Tandem", "Vireo", "Waypoint", "Helix", "Juniper",
)  # fmt: skip

PROVIDER_KINDS: tuple[str, ...] = (
    "Consulting", "Digital", "Advisory", "Partners", "Technologies", "Solutions", "Data", "Systems",
    "Labs", "Analytics",
)  # fmt: skip

FIRST_NAMES: tuple[str, ...] = (
    "Alicia", "Benjamin", "Chiara", "Daniel", "Elena", "Farid", "Grace", "Hiroshi", "Ingrid", "James",
    "Kavya", "Liam", "Maria", "Nikolai", "Olivia", "Pedro", "Quinn", "Rachel", "Samuel", "Tanya",
    "Umar", "Valentina", "William", "Ximena", "Yusuf", "Zoe", "Priya", "Marcus", "Sophie", "Tomas",
)  # fmt: skip

LAST_NAMES: tuple[str, ...] = (
    "Anderson", "Becker", "Castillo", "Dubois", "Eriksen", "Fischer", "Garcia", "Hughes", "Iyer",
    "Jensen", "Kowalski", "Lindqvist", "Moreau", "Nakamura", "O'Brien", "Patel", "Rossi", "Schmidt",
    "Thompson", "Van Dijk", "Walsh", "Yamamoto", "Zimmermann", "Okafor", "Chen", "Novak", "Murphy",
)  # fmt: skip

SIGNER_TITLES: tuple[str, ...] = (
    "Chief Executive Officer", "Chief Financial Officer", "Chief Operating Officer", "VP, Procurement",
    "Director of Operations", "Managing Director", "General Counsel", "Head of Strategic Sourcing",
    "Chief Information Officer", "Managing Partner", "VP, Professional Services",
)  # fmt: skip

CONTACT_ROLES_CLIENT: tuple[str, ...] = (
    "Project Sponsor",
    "Client Project Manager",
    "Procurement Contact",
    "Accounts Payable",
    "Product Owner",
)
CONTACT_ROLES_PROVIDER: tuple[str, ...] = (
    "Engagement Manager",
    "Delivery Lead",
    "Account Executive",
    "Billing Contact",
    "Solution Architect",
)

CHANGE_REASONS: tuple[str, ...] = (
    "the Client has requested additional integration work that was not contemplated by the SOW",
    "the go-live date has moved and the engagement must be extended to cover a second release",
    "the Client has asked the Provider to support two additional business units",
    "regulatory changes require additional reporting and testing activities",
)
