"""The words national names and titles are made from, and how many organisations of each
sector the data set holds."""

from __future__ import annotations

from partners.models import Sector

EMAIL_DOMAIN = "example.nhs.uk"


def words(text: str) -> list[str]:
    """A word list written compactly: comma-separated if any entry has a space."""
    return [w.strip() for w in text.split(",")] if "," in text else text.split()


PREFIXES = words(
    "Ash Brack Cold Dun Elm Fen Gran Hal Ivy Kel Lang Mar Nor Oak Pen Red Stan Thorn Wey "
    "Wick Brad Ches Dar Glen Har Kings Lynd Mill New Old Queens Rother Sand Stock Tam "
    "Upton Wal Wood Amber Bel Clay Dene Eden Frox Gold Holm Kirk Lark Moss Ned Orms Pem "
    "Ribble Sel Tor Ux Ver Wren"
)
SUFFIXES = words(
    "worth field harbour more ley ton by ford bridge wick ham stead bury dale mouth "
    "caster minster hurst combe gate well thorpe holme borough cliffe den mere sley wood "
    "stow"
)
COUNTY_ENDINGS = words("shire land sex moor dale wold vale marsh")
COMPASS = words("North South East West Mid Central")
PLACE_QUALIFIERS = words("Coast Valley Downs Forest Vale Borough City")
LOCALITY_WORDS = words(
    "Road Lane Street Park Green Hill Square Gardens Avenue Cross Bank Meadows Brook Common"
)
PRACTICE_KINDS = words(
    "Surgery, Medical Centre, Health Centre, Medical Practice, Family Practice, Group Practice"
)
PCN_AREAS = words(
    "North South East West Central Rural Valley Coastal Town Riverside Villages Moorland "
    "Urban Forest Docks Heights"
)
VCFSE_KINDS = words(
    "Community Voluntary Service, Carers Centre, Mind, Age UK, Citizens Advice, Food Bank, "
    "Youth Trust, Community Transport, Wellbeing Collective, Disability Forum, "
    "Refugee Support, Men's Sheds, Community Foundation, Homeless Partnership, "
    "Befriending Service"
)
OTHER_KINDS = words(
    "Health Innovation Network, Housing Association, University, College, "
    "Community Interest Company, Leisure Trust, Fire and Rescue Service, Police Service, "
    "Pharmacy Group, Dental Network"
)
SAINTS = words(
    "Columba Cuthbert Luke Margaret Anne Catherine Barnabas Oswald Wilfrid Gemma Helena "
    "Michael Clare Andrew Giles Elizabeth"
)
FIRST_NAMES = words(
    "Amira Ben Chloe Dev Ella Femi Grace Hassan Isla Jack Kiran Leah Marcus Nadia Owen "
    "Priya Quentin Rosa Sam Tariq Uma Victor Wendy Xavier Yasmin Zac Aled Bethan Callum "
    "Deepa Eilidh Farah Gareth Hannah Imran Joanne Kwame Lucy Mohammed Niamh Olu Paul "
    "Rachel Sanjay Tom Una Vikram Wei Yusuf Zara Aisha Brian Ciara Daniel Emma Fatima "
    "George Harriet Ian Jade Kate Liam Maria Neil Olivia Peter Ruth Simon Tanya Will"
)
LAST_NAMES = words(
    "Adeyemi Brennan Chowdhury Davies Evans Fletcher Gill Hughes Iqbal Jones Kowalski "
    "Lewis Mensah Nowak O'Brien Patel Quinn Roberts Shah Thompson Usman Vaughan Walsh Xu "
    "Young Zielinski Ahmed Baker Clarke Dixon Edwards Francis Green Hall Ibrahim Jackson "
    "Khan Lee Morris Nelson Okafor Price Rahman Smith Taylor Turner Wilson Wright Begum "
    "Campbell Doyle Ellis Foster Grant Hussain Kelly Murphy Singh Ward Williams"
)
PLACE_TITLES = words(
    "Director of Adult Social Care, Director of Public Health, Clinical Director, "
    "Chief Operating Officer, Head of Strategy, Chief Executive, Locality Manager, "
    "Head of Commissioning, GP Partner, Director of Nursing, Practice Manager, "
    "Partnership Manager, Programme Lead, Service Manager, Finance Business Partner"
)
LEAD_TITLES = words("Place Director, Managing Director of the place, Director of Place")
ADMIN_TITLES = words(
    "Head of Governance, Board Secretary, Governance Manager, Corporate Affairs Lead"
)
ADVISORY_TITLES = words(
    "Lay Member, Patient Representative, Independent Adviser, Healthwatch Chair"
)

# Organisations per entity, before the remainder goes to the numerous local sectors.
PER_SYSTEM = {
    Sector.ICB: 1.0,
    Sector.AMBULANCE_TRUST: 1.0,
    Sector.ACUTE_TRUST: 2.5,
    Sector.COMMUNITY_TRUST: 0.8,
    Sector.MENTAL_HEALTH_TRUST: 1.2,
    Sector.COMBINED_TRUST: 0.5,
    Sector.HOSPICE: 2.4,
}
PER_PLACE = {
    Sector.UPPER_TIER_COUNCIL: 1.0,
    Sector.HEALTHWATCH: 1.0,
    Sector.GP_FEDERATION: 1.0,
    Sector.DISTRICT_COUNCIL: 0.8,
}
REMAINDER_SHARES = {
    Sector.GP_PRACTICE: 0.55,
    Sector.PRIMARY_CARE_NETWORK: 0.30,
    Sector.VCFSE: 0.12,
    Sector.OTHER: 0.03,
}
SYSTEM_SECTORS = frozenset({*PER_SYSTEM, Sector.OTHER})
ROUND_ROBIN_SECTORS = frozenset(
    {
        Sector.ICB,
        Sector.AMBULANCE_TRUST,
        Sector.UPPER_TIER_COUNCIL,
        Sector.HEALTHWATCH,
        Sector.GP_FEDERATION,
    }
)
SMALL_WORDS = {"and", "of", "the", "nhs", "foundation", "trust", "for", "in", "on", "upon"}
