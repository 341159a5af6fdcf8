"""The ICB's report on an edition's returns: ledger → figures → HTML, CSV and Excel.

One job per module, in the order the data flows:

* ``inputs``: the plain values a report is computed from (submissions, answers, register);
* ``ledger``: reads them from the collector's SQLite ledger (the one tie to storage);
* ``risk`` and ``rag``: which answers flag a risk, and the red / amber / green rule;
* ``figures``: every figure, computed from plain values; ``yearonyear``: the comparison
  with the previous edition, questions matched through :mod:`generator.lineage`;
* ``tables``: the figures as plain tables; ``exports``: those as CSV and Excel, neutralised;
  ``xlsx``: the small SpreadsheetML writer behind the workbook;
* ``charts``: inline SVG bar charts; ``html``: the self-contained HTML report;
* ``build``: reads, computes, then writes everything into place, with last year's returns and
  the workbook handled beside it in child processes (``beside``).
"""
