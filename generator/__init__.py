"""GP Quality and Safety Toolkit: standards in YAML, turned into a site, forms and checked returns."""

__version__ = "0.1.0"
