"""Word lists for fake but realistic-looking people and companies (PII test material)."""

from __future__ import annotations

import unicodedata

# fmt: off
FIRST_NAMES = (
    "Anna", "Lukas", "Sofia", "Jonas", "Emma", "Noah", "Mia", "Elias", "Lea", "Finn", "Clara",
    "Paul", "Marie", "Leon", "Hannah", "Felix", "Laura", "Maximilian", "Julia", "David",
    "Sarah", "Tom", "Lisa", "Jan", "Nina", "Matteo", "Chiara", "Luca", "Giulia", "Pierre",
    "Camille", "Louis", "Chloé", "Hugo", "Inès", "Oliver", "Amelia", "George", "Isla", "Harry",
    "Ava", "Jack", "Freya", "Liam", "Olivia", "Sven", "Ingrid", "Lars", "Astrid", "Mateo",
    "Lucía", "Pablo", "Carmen", "Jakub", "Zofia", "Piotr", "Aylin", "Mehmet", "Yara", "Omar",
)
LAST_NAMES = (
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
    "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Braun",
    "Zimmermann", "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Martin",
    "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Evans",
    "Walker", "de Vries", "Jansen", "van Dijk", "Bakker", "Visser", "García", "Fernández",
    "López", "Martínez", "Sánchez", "Nowak", "Kowalski", "Wiśniewski", "Yılmaz", "Kaya",
    "Nielsen", "Hansen", "Andersson", "Johansson", "Lindqvist", "O'Brien", "Murphy", "Kelly",
    "Novák", "Horvat", "Popescu", "Silva", "Santos", "Costa", "Papadopoulos", "Lehmann",
    "Krüger", "Vogel",
)
COMPANY_PREFIXES = (
    "Nord", "Alpen", "Rhein", "Baltic", "Atlas", "Orion", "Vega", "Helix", "Lumen", "Terra",
    "Aqua", "Silva", "Nova", "Polar", "Sol", "Vita", "Astra", "Kron", "Falk", "Brückner",
    "Delta", "Summit", "Harbor", "Meridian", "Pioneer", "Crescent", "Zenith", "Granite",
    "Cedar", "Maple",
)
COMPANY_CORES = (
    "Logistik", "Technik", "Foods", "Systems", "Pharma", "Textil", "Bau", "Energy", "Metall",
    "Agrar", "Retail", "Media", "Medical", "Automotive", "Plastics", "Chemie", "Consulting",
    "Trading", "Solutions", "Components", "Optics", "Packaging", "Furniture", "Electronics",
    "Beverages",
)
# Legal form, with the country it implies: top-level domain and phone prefix.
LEGAL_FORMS = (
    ("GmbH", "de", "+49"), ("AG", "de", "+49"), ("& Co. KG", "de", "+49"),
    ("Ltd", "co.uk", "+44"), ("S.A.", "fr", "+33"), ("SARL", "fr", "+33"),
    ("B.V.", "nl", "+31"), ("S.p.A.", "it", "+39"), ("Group", "com", "+1"),
    ("Inc.", "com", "+1"),
)
CITIES = (
    "Hamburg", "Berlin", "München", "Köln", "Frankfurt", "Stuttgart", "Düsseldorf", "Leipzig",
    "Paris", "Lyon", "Marseille", "Lille", "London", "Manchester", "Birmingham", "Leeds",
    "Amsterdam", "Rotterdam", "Utrecht", "Milano", "Torino", "Bologna", "Madrid", "Barcelona",
    "Valencia", "Wien", "Zürich", "Warszawa", "Kraków", "Praha", "København", "Stockholm",
    "Oslo", "Dublin", "Lisboa", "Bruxelles",
)
INDUSTRIES = (
    "manufacturing", "retail", "wholesale", "logistics", "healthcare", "construction",
    "hospitality", "technology", "agriculture", "energy", "education", "public_sector",
)
COMPANY_SIZES = (
    "micro", "small", "medium", "large", "enterprise",
)
CONTACT_ROLES = (
    "Purchasing Manager", "CEO", "Owner", "Operations Manager", "Procurement Lead",
    "Office Manager", "CFO", "Head of Supply Chain",
)
PROFILE_FIELDS = (
    "industry", "company_size", "city", "primary_contact_role", "contact_email",
    "contact_phone", "account_name",
)
HR_DECIDERS = (
    "Petra Lang", "Marc Olsen", "Aisha Rahman", "Tobias Frank",
)
APPEAL_REASONS = (
    "Orders of a transferred customer were credited to the previous owner.",
    "Target set after the quarter had started; asks for the role default instead.",
    "Long sick leave during the quarter; asks for a pro-rata target.",
    "Large order invoiced one day after quarter end, because of a system outage.",
    'Customer survey sent to the wrong contact ("purchasing" instead of "operations").',
    "Credit note booked against my revenue belongs to another team.",
)
# fmt: on


def slug(text: str) -> str:
    """ASCII lowercase form of a name, for e-mail addresses and domains."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_text.lower() if ch.isalnum())
