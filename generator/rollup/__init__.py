"""One ICB's returns as a shareable bundle, and a regional report from the bundles of several ICBs.

One job per module, in the order the data flows:

* ``bundle``: the bundle's typed contents, written as a Frictionless Data Package (a zip or a
  folder) and read back with every problem said in words;
* ``core``: which questions of an edition are core (shared by every ICB) and the edition cut
  down to them;
* ``export``: an ICB's returns, register and CQC ratings → a bundle (``toolkit export``);
* ``combine``: several bundles → the regional figures, questions matched through the lineage;
* ``write``: the regional figures → HTML and CSV (``toolkit rollup``).
"""
