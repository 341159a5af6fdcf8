"""Collecting practices' returns: files in, every problem explained, nothing ever lost.

A return flows one way through these modules, each with one job:

``sources``   folders, files and HTTP(S) URLs → the files received, each with where it came from
``store``     the raw bytes at ``<store>/raw/<sha256>`` (written before anything reads them) and the SQLite ledger
``read``      bytes → rows: the return CSV as practices really save it, the workbook, the online form's JSON
``schema``    the edition's published Table Schema, compiled once into checks that give Frictionless's verdicts
``validate``  rows → problems: the compiled Table Schema and the checks it cannot express
``messages``  the words of every problem, as templates the site's in-browser checker reuses
``register``  the practice register (ODS code → name)
``counts``    which of a practice's returns counts (the store, status.csv and the report share it)
``text``      text that can always be stored and shown: lone surrogates and NUL written as escapes
``outputs``   the ledger → ``status.csv``, a feedback page and a problems CSV for each return with problems
``collect``   the run: gather, store, check in parallel, record, write the outputs

Importing this package imports nothing heavy: each module imports what it needs.
"""
