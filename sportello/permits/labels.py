"""The fixed wording of migrant-facing documents (checklist PDF, leaflet, public page, messages).

These are content, not operator UI: they exist in all 20 content languages, are stored and reviewed
like procedure texts, and are exchanged in the same PO files (message context ``label:<name>``).
Italian is the source; the English gloss helps translators. Placeholders in braces stay as they are.
"""

from __future__ import annotations

from typing import NamedTuple


class Label(NamedTuple):
    italian: str
    english: str


LABELS: dict[str, Label] = {
    "for_person": Label("Per: {name}", "For: {name}"),
    "case_reference": Label("Pratica n. {reference}", "Case no. {reference}"),
    "requirements": Label("Prima di iniziare", "Before you start"),
    "documents": Label("Documenti da portare", "Documents to bring"),
    "costs": Label("Costi", "Costs"),
    "total": Label("Totale", "Total"),
    "amount_set_locally": Label("importo stabilito dal Comune", "amount set by the municipality"),
    "how_to_apply": Label("Dove e come presentare la domanda", "Where and how to apply"),
    "deadlines": Label("Scadenze", "Deadlines"),
    "renewal_window": Label(
        "Periodo per chiedere il rinnovo: dal {start} al {end}", "Period to apply for renewal: from {start} to {end}"
    ),
    "filing_appointment": Label(
        "Appuntamento per la domanda: {date}", "Appointment to hand in the application: {date}"
    ),
    "legal_basis": Label("Riferimenti normativi", "Legal basis"),
    "desk_hours": Label("Orari", "Opening hours"),
    "desk_phone": Label("Telefono", "Phone"),
    "desk_email": Label("E-mail", "E-mail"),
    "ask_the_desk": Label(
        "Se hai dubbi o ti manca un documento, chiedi allo sportello.",
        "If you have questions or a document is missing, ask the desk.",
    ),
    "disclaimer": Label(
        "Questa lista è una guida: la Questura, la Prefettura o il Comune possono chiedere altri documenti.",
        "This list is a guide: the Questura, the Prefettura or the municipality may ask for other documents.",
    ),
    "note": Label("Nota", "Note"),
    "progress": Label("{done} documenti pronti su {total}", "{done} of {total} documents ready"),
    "status_to_bring": Label("Da portare", "To bring"),
    "status_collected": Label("Raccolto", "Collected"),
    "status_verified": Label("Controllato", "Checked"),
    "status_not_applicable": Label("Non serve", "Not needed"),
    "generated_on": Label("Creato il {date}", "Made on {date}"),
    "page_of": Label("Pagina {page} di {pages}", "Page {page} of {pages}"),
    "version": Label("Versione {version} della lista, del {date}", "Version {version} of this list, dated {date}"),
    "scan_to_open": Label("Apri questa lista sul telefono", "Open this list on your phone"),
    "link_valid_until": Label("Questo link funziona fino al {date}.", "This link works until {date}."),
    "download_pdf": Label("Scarica il PDF", "Download the PDF"),
    "language": Label("Lingua", "Language"),
    "link_expired": Label(
        "Questo link è scaduto. Chiedi allo sportello un nuovo link.",
        "This link has expired. Ask the desk for a new link.",
    ),
    "link_revoked": Label(
        "Questo link non è più attivo. Chiedi allo sportello un nuovo link.",
        "This link is no longer active. Ask the desk for a new link.",
    ),
    "link_invalid": Label(
        "Questo link non è valido. Controlla di averlo copiato per intero.",
        "This link is not valid. Check that you copied all of it.",
    ),
    "too_many_requests": Label(
        "Troppe richieste. Riprova tra qualche minuto.", "Too many requests. Try again in a few minutes."
    ),
    "share_message": Label(
        "Ciao {name}, ecco la lista dei documenti per la tua pratica: {link}",
        "Hello {name}, here is the list of documents for your application: {link}",
    ),
    "email_subject": Label("La tua lista dei documenti", "Your list of documents"),
    "translation_missing": Label("Traduzione non ancora disponibile", "Translation not available yet"),
    "draft_translation": Label(
        "Traduzione non ancora controllata da una persona: in caso di dubbio vale il testo italiano.",
        "Translation not yet checked by a person: if in doubt, the Italian text applies.",
    ),
}
