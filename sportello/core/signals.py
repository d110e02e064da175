"""Signals one part sends and others listen to, so parts stay independent of each other.

``document_obtained``: a document a person needs for a procedure was obtained elsewhere in
Sportello (the housing-suitability certificate the municipality issued). Sent with the case
(``sender``), the document's code in the procedure catalog (``code``) and a note saying what was
obtained (``note``); receivers update what depends on it (the case's permit checklists).

``person_rows_moved``: a merge of two person records, or its undoing, moved rows from one to the
other. Sent with the record kept (``sender``) and the merged one (``merged``), once the rows are
moved; receivers bring up to date what they copied from a person onto those rows.
"""

from blinker import Namespace

_signals = Namespace()

document_obtained = _signals.signal("document-obtained")
person_rows_moved = _signals.signal("person-rows-moved")
