"""The self-assessment section of the site: the online form and the in-browser return checker.

``render``   the edition → the section's pages (Markdown holding generated HTML) and the files they load
``data``     what the pages' scripts know about the edition, from the sources the collector reads too
``messages`` the form's own words for a field's error, and how answers read on screen
``site``     the section as pages of the guidance site (one renderer in ``generator.site.pages``)

The scripts and styles live in ``site_templates/selfassess/``: plain JavaScript and CSS, no
framework and no build step, nothing fetched from outside, working from a site opened from disk.
"""
