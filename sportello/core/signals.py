"""Signals one part sends and others listen to, so parts stay independent of each other.

``document_obtained``: a document a person needs for a procedure was obtained elsewhere in
Sportello (the housing-suitability certificate the municipality issued). Sent with the case
(``sender``), the document's code in the procedure catalog (``code``) and a note saying what was
obtained (``note``); receivers update what depends on it (the case's permit checklists).
"""

from blinker import Namespace

_signals = Namespace()

document_obtained = _signals.signal("document-obtained")
