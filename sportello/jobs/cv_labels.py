"""The CV's own words in the languages a CV is written in (Italian, English, French).

A CV is written for an employer, in the CV's language, whatever the language of the desk's
interface; French has no interface catalog at all. So its fixed labels and the names of the
coded values it prints are kept here, one line per language, rather than in the interface's
message catalogs. Dates, countries and languages come from CLDR (Babel) in the CV's language;
what the desk typed stays as typed.
"""

from __future__ import annotations

from typing import Any

from sportello.jobs.models import (
    Cefr,
    DrivingLicence,
    EducationLevel,
    Hours,
    ItalianCertificate,
    Recognition,
    Sector,
    Travel,
)

CV_LANGUAGES = ("it", "en", "fr")

# Fixed labels. Placeholders are filled with str.format: {year}, {years}, {page}, {pages}, {date}.
LABELS: dict[str, dict[str, str]] = {
    "title": {"it": "Curriculum vitae", "en": "Curriculum vitae", "fr": "Curriculum vitae"},
    "personal": {"it": "Informazioni personali", "en": "Personal information", "fr": "Informations personnelles"},
    "phone": {"it": "Telefono", "en": "Phone", "fr": "Téléphone"},
    "email": {"it": "E-mail", "en": "Email", "fr": "E-mail"},
    "residence": {"it": "Residenza", "en": "Place of residence", "fr": "Lieu de résidence"},
    "birth_date": {"it": "Data di nascita", "en": "Date of birth", "fr": "Date de naissance"},
    "nationality": {"it": "Cittadinanza", "en": "Nationality", "fr": "Nationalité"},
    "work": {"it": "Esperienza lavorativa", "en": "Work experience", "fr": "Expérience professionnelle"},
    "education": {"it": "Istruzione e formazione", "en": "Education and training", "fr": "Éducation et formation"},
    "languages": {"it": "Competenze linguistiche", "en": "Language skills", "fr": "Compétences linguistiques"},
    "mother_tongue": {"it": "Madrelingua", "en": "Mother tongue", "fr": "Langue maternelle"},
    "other_languages": {"it": "Altre lingue", "en": "Other languages", "fr": "Autres langues"},
    "certificate": {"it": "Certificazione", "en": "Certificate", "fr": "Certification"},
    "licences": {"it": "Patente di guida", "en": "Driving licence", "fr": "Permis de conduire"},
    "licence_categories": {"it": "Categorie", "en": "Categories", "fr": "Catégories"},
    "own_vehicle": {"it": "Mezzo proprio", "en": "Own vehicle", "fr": "Véhicule personnel"},
    "yes": {"it": "Sì", "en": "Yes", "fr": "Oui"},
    "skills": {"it": "Competenze e mestieri", "en": "Skills and trades", "fr": "Compétences et métiers"},
    "availability": {"it": "Disponibilità", "en": "Availability", "fr": "Disponibilité"},
    "hours": {"it": "Orario", "en": "Working hours", "fr": "Temps de travail"},
    "shifts": {"it": "Turni", "en": "Shifts", "fr": "Horaires décalés"},
    "nights": {"it": "notte", "en": "nights", "fr": "nuit"},
    "weekends": {"it": "fine settimana", "en": "weekends", "fr": "week-ends"},
    "travel": {"it": "Mobilità", "en": "Mobility", "fr": "Mobilité"},
    "available_from": {"it": "Inizio disponibilità", "en": "Available from", "fr": "Date de disponibilité"},
    "sector": {"it": "Settore", "en": "Sector", "fr": "Secteur"},
    "until": {"it": "fino al {year}", "en": "until {year}", "fr": "jusqu'en {year}"},
    "ongoing": {"it": "in corso", "en": "current", "fr": "en cours"},
    "under_half_year": {"it": "meno di sei mesi", "en": "less than six months", "fr": "moins de six mois"},
    "half_year": {"it": "6 mesi", "en": "6 months", "fr": "6 mois"},
    "one_year": {"it": "1 anno", "en": "1 year", "fr": "1 an"},
    "years": {"it": "{years} anni", "en": "{years} years", "fr": "{years} ans"},
    "and_half": {"it": "{years} e 6 mesi", "en": "{years} and 6 months", "fr": "{years} et 6 mois"},
    "page_counter": {"it": "Pagina {page} di {pages}", "en": "Page {page} of {pages}", "fr": "Page {page} sur {pages}"},
    # A label and its value on one line (French puts a space before the colon).
    "labelled": {"it": "{label}: {value}", "en": "{label}: {value}", "fr": "{label}\u00a0: {value}"},
    "updated": {"it": "Aggiornato al {date}", "en": "Updated on {date}", "fr": "Mis à jour le {date}"},
}

# The names of the coded values a CV prints, by enumeration member.
VALUES: dict[Any, dict[str, str]] = {
    Sector.AGRICULTURE: {
        "it": "Agricoltura e allevamento",
        "en": "Agriculture and farming",
        "fr": "Agriculture et élevage",
    },
    Sector.FOOD_INDUSTRY: {"it": "Industria alimentare", "en": "Food industry", "fr": "Industrie agroalimentaire"},
    Sector.MANUFACTURING: {
        "it": "Manifattura e metalmeccanica",
        "en": "Manufacturing and metalwork",
        "fr": "Industrie manufacturière et métallurgie",
    },
    Sector.CONSTRUCTION: {"it": "Edilizia", "en": "Construction", "fr": "Bâtiment et travaux publics"},
    Sector.LOGISTICS: {
        "it": "Logistica e magazzino",
        "en": "Logistics and warehousing",
        "fr": "Logistique et entrepôts",
    },
    Sector.TRANSPORT: {"it": "Trasporti e guida", "en": "Transport and driving", "fr": "Transport et conduite"},
    Sector.HOSPITALITY: {
        "it": "Alberghi, ristorazione e catering",
        "en": "Hotels, restaurants and catering",
        "fr": "Hôtellerie, restauration et traiteur",
    },
    Sector.RETAIL: {"it": "Commercio e negozi", "en": "Shops and retail", "fr": "Commerce et vente"},
    Sector.CLEANING: {
        "it": "Pulizie e servizi alle strutture",
        "en": "Cleaning and facility services",
        "fr": "Nettoyage et services aux bâtiments",
    },
    Sector.CARE: {
        "it": "Assistenza domiciliare e lavoro domestico",
        "en": "Home care and domestic work",
        "fr": "Aide à domicile et travail domestique",
    },
    Sector.HEALTH: {"it": "Sanità e servizi sociali", "en": "Health and social care", "fr": "Santé et action sociale"},
    Sector.MECHANICS: {
        "it": "Riparazione e manutenzione di veicoli",
        "en": "Vehicle repair and maintenance",
        "fr": "Réparation et entretien de véhicules",
    },
    Sector.TEXTILE: {"it": "Tessile e sartoria", "en": "Textiles and tailoring", "fr": "Textile et couture"},
    Sector.OFFICE: {
        "it": "Ufficio e amministrazione",
        "en": "Office and administration",
        "fr": "Bureau et administration",
    },
    Sector.EDUCATION: {
        "it": "Istruzione e mediazione culturale",
        "en": "Education and cultural mediation",
        "fr": "Éducation et médiation culturelle",
    },
    Sector.OTHER: {"it": "Altro settore", "en": "Other sector", "fr": "Autre secteur"},
    EducationLevel.NONE: {"it": "Nessun titolo di studio", "en": "No formal schooling", "fr": "Aucune scolarité"},
    EducationLevel.PRIMARY: {"it": "Scuola primaria", "en": "Primary school", "fr": "École primaire"},
    EducationLevel.LOWER_SECONDARY: {
        "it": "Scuola secondaria di primo grado",
        "en": "Lower secondary school",
        "fr": "Enseignement secondaire inférieur (collège)",
    },
    EducationLevel.UPPER_SECONDARY: {
        "it": "Scuola secondaria di secondo grado",
        "en": "Upper secondary school",
        "fr": "Enseignement secondaire supérieur (lycée)",
    },
    EducationLevel.VOCATIONAL: {
        "it": "Formazione professionale",
        "en": "Vocational training",
        "fr": "Formation professionnelle",
    },
    EducationLevel.BACHELOR: {"it": "Laurea triennale", "en": "Bachelor's degree", "fr": "Licence"},
    EducationLevel.MASTER: {"it": "Laurea magistrale", "en": "Master's degree", "fr": "Master"},
    EducationLevel.DOCTORATE: {"it": "Dottorato di ricerca", "en": "Doctorate (PhD)", "fr": "Doctorat"},
    Recognition.NONE: {
        "it": "Non riconosciuto in Italia",
        "en": "Not recognised in Italy",
        "fr": "Non reconnu en Italie",
    },
    Recognition.REQUESTED: {
        "it": "Riconoscimento in Italia richiesto",
        "en": "Recognition in Italy requested",
        "fr": "Reconnaissance en Italie demandée",
    },
    Recognition.OBTAINED: {
        "it": "Riconosciuto in Italia (dichiarazione di valore)",
        "en": "Recognised in Italy (declaration of value)",
        "fr": "Reconnu en Italie (déclaration de valeur)",
    },
    Hours.FULL_TIME: {"it": "Tempo pieno", "en": "Full time", "fr": "Temps plein"},
    Hours.PART_TIME: {"it": "Tempo parziale", "en": "Part time", "fr": "Temps partiel"},
    Hours.EITHER: {"it": "Tempo pieno o parziale", "en": "Full or part time", "fr": "Temps plein ou partiel"},
    Travel.MUNICIPALITY: {
        "it": "Nel comune di residenza",
        "en": "Within the municipality of residence",
        "fr": "Dans la commune de résidence",
    },
    Travel.PROVINCE: {"it": "In tutta la provincia", "en": "Anywhere in the province", "fr": "Dans toute la province"},
    Travel.ANYWHERE: {
        "it": "Ovunque, anche con trasferimento",
        "en": "Anywhere, willing to relocate",
        "fr": "Partout, y compris avec déménagement",
    },
    ItalianCertificate.PREFETTURA_A2: {
        "it": "Test di lingua italiana A2 della Prefettura",
        "en": "Prefettura A2 test of Italian",
        "fr": "Test d'italien A2 de la Préfecture",
    },
    ItalianCertificate.CPIA: {
        "it": "Certificazione CPIA",
        "en": "CPIA certificate (adult education centre)",
        "fr": "Certificat du CPIA (centre d'éducation des adultes)",
    },
    ItalianCertificate.CILS: {
        "it": "CILS (Università per Stranieri di Siena)",
        "en": "CILS (University for Foreigners of Siena)",
        "fr": "CILS (Université pour étrangers de Sienne)",
    },
    ItalianCertificate.CELI: {
        "it": "CELI (Università per Stranieri di Perugia)",
        "en": "CELI (University for Foreigners of Perugia)",
        "fr": "CELI (Université pour étrangers de Pérouse)",
    },
    ItalianCertificate.PLIDA: {
        "it": "PLIDA (Società Dante Alighieri)",
        "en": "PLIDA (Società Dante Alighieri)",
        "fr": "PLIDA (Società Dante Alighieri)",
    },
    ItalianCertificate.CERT_IT: {
        "it": "CERT.IT (Università Roma Tre)",
        "en": "CERT.IT (Roma Tre University)",
        "fr": "CERT.IT (Université Roma Tre)",
    },
    ItalianCertificate.SCHOOL: {
        "it": "Diploma di scuola italiana",
        "en": "Italian school diploma",
        "fr": "Diplôme d'une école italienne",
    },
    ItalianCertificate.OTHER: {"it": "Altra certificazione", "en": "Other certificate", "fr": "Autre certificat"},
    Cefr.A1: {"it": "A1 (base)", "en": "A1 (beginner)", "fr": "A1 (débutant)"},
    Cefr.A2: {"it": "A2 (elementare)", "en": "A2 (elementary)", "fr": "A2 (élémentaire)"},
    Cefr.B1: {"it": "B1 (intermedio)", "en": "B1 (intermediate)", "fr": "B1 (intermédiaire)"},
    Cefr.B2: {"it": "B2 (intermedio superiore)", "en": "B2 (upper intermediate)", "fr": "B2 (intermédiaire avancé)"},
    Cefr.C1: {"it": "C1 (avanzato)", "en": "C1 (advanced)", "fr": "C1 (avancé)"},
    Cefr.C2: {"it": "C2 (padronanza)", "en": "C2 (proficient)", "fr": "C2 (maîtrise)"},
    DrivingLicence.AM: {"it": "AM (ciclomotore)", "en": "AM (moped)", "fr": "AM (cyclomoteur)"},
    DrivingLicence.A: {"it": "A (moto)", "en": "A (motorcycle)", "fr": "A (moto)"},
    DrivingLicence.B: {"it": "B (auto)", "en": "B (car)", "fr": "B (voiture)"},
    DrivingLicence.BE: {
        "it": "BE (auto con rimorchio)",
        "en": "BE (car with trailer)",
        "fr": "BE (voiture avec remorque)",
    },
    DrivingLicence.C: {"it": "C (autocarro)", "en": "C (lorry)", "fr": "C (poids lourd)"},
    DrivingLicence.CE: {
        "it": "CE (autoarticolato)",
        "en": "CE (lorry with trailer)",
        "fr": "CE (poids lourd avec remorque)",
    },
    DrivingLicence.D: {"it": "D (autobus)", "en": "D (bus)", "fr": "D (autobus)"},
    DrivingLicence.CQC: {
        "it": "CQC (carta di qualificazione del conducente)",
        "en": "CQC (driver qualification card)",
        "fr": "CQC (carte de qualification de conducteur)",
    },
}

# The enumerations a CV prints: each member must have a line in VALUES (a test holds it).
PRINTED_ENUMS = (Sector, EducationLevel, Recognition, Hours, Travel, ItalianCertificate, Cefr, DrivingLicence)


class CvLabels:
    """The CV's words in one language: ``labels["work"]``, ``labels.value(Sector.CARE)``."""

    def __init__(self, language: str) -> None:
        if language not in CV_LANGUAGES:
            raise ValueError(f"no CV in {language!r}")
        self.language = language

    def __getitem__(self, key: str) -> str:
        return LABELS[key][self.language]

    def format(self, key: str, **values: Any) -> str:
        return LABELS[key][self.language].format(**values)

    def labelled(self, key: str, value: str) -> str:
        """``"Settore: Edilizia"``, ``"Secteur : Bâtiment"``."""
        return self.format("labelled", label=self[key], value=value)

    def value(self, member: Any) -> str:
        return VALUES[member][self.language]
