"""The guidance site: the standards → Markdown pages → a static site (mkdocs-material) in site/.

- ``pages.py``: the model → one edition's Markdown pages, through the templates of ``site_templates/pages``;
- ``templates.py`` and ``escape.py``: the Jinja2 environment, and how text from the standards is made safe;
- ``config.py``: mkdocs.yml → one edition's full site configuration;
- ``mkdocs_build.py``: the one call into the site builder;
- ``files.py`` and ``redirects.py``: incremental writes, hard-linked outputs, the final swap;
- ``build.py``: the whole build, step by step.
"""
