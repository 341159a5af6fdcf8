"""A new ICB's project: its settings, an empty overlay on the toolkit's core, the folders it needs, a README.

``toolkit init DEST --icb-name NAME --icb-code CODE`` writes::

    DEST/
      toolkit.yml                     the ICB's settings (name, ODS code, where returns go, colour, contacts)
      README.md                       how this ICB edits, builds, collects and moves to next year's core
      .gitignore                      the built site, the build's work and the returns store kept out of version control
      standards/<edition>/edition.yml builds_on: core/<edition>, the newest published core edition
      standards/<edition>/overlay.yml the ICB's namespace (its ODS code) and nothing left out or added yet
      standards/<edition>/domains/    for local domains
      registers/                      for the practice register (epraccur or the simple CSV)
      branding/                       for the logo

Nothing that exists in DEST is replaced: when any of these files is there already, nothing is
written at all. Every file is created exclusively (never opened over an existing one).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .model import NAMESPACE, Edition
from .overlay import OVERLAY_FILE, SHIPPED_CORE_NAME, TOOLKIT_CORE

CODE = re.compile(rf"^{NAMESPACE}$")
FOLDERS = ("registers", "branding")


class InitRefused(Exception):
    """The project cannot be made as asked; the message says why and what to do."""


@dataclass(frozen=True)
class Made:
    folder: Path
    files: tuple[Path, ...]
    builds_on: str


def newest_core() -> Edition:
    """The newest published edition of the core that comes with the toolkit."""
    from .load import load_library
    from .problems import errors

    loaded = load_library(TOOLKIT_CORE)
    found = errors(loaded.problems)
    if found:
        raise InitRefused(
            f"the toolkit's core has {len(found)} error{'s' if len(found) != 1 else ''} (first: {found[0].format()}); "
            "run toolkit check in the toolkit's folder, or update the toolkit"
        )
    current = loaded.library.current()
    if current is None:
        raise InitRefused(f"the toolkit's core ({TOOLKIT_CORE}) has no published edition to build on")
    return current


def _quoted(text: str) -> str:
    """Text as a YAML double-quoted scalar (JSON's string syntax is YAML's)."""
    return json.dumps(text, ensure_ascii=False)


def plan(name: str, code: str, core: Edition, dest: Path) -> dict[str, str]:
    """Path inside the project → text, for a new ICB called ``name`` with the ODS code ``code``."""
    edition_id = core.id
    builds_on = f"{SHIPPED_CORE_NAME}/{edition_id}"
    slug = code.lower()
    deadline = f"return_deadline: {core.info.return_deadline.isoformat()}\n" if core.info.return_deadline else ""
    published = f"published: {core.info.published.isoformat()}\n" if core.info.published else ""
    files = {
        "toolkit.yml": f"""# yaml-language-server: $schema={_schema_path("toolkit", dest)}
# {name}'s settings for the GP Quality and Safety Toolkit: everything that names or brands the ICB.
# `toolkit check` reports a missing or malformed setting as toolkit.yml:line:column: message.
icb:
  name: {_quoted(name)}
  ods_code: {code}
  team: Primary Care Quality Team
  privacy_notice: https://www.{slug}.example.nhs.uk/privacy     # replace with the ICB's privacy notice
  colour: "#005eb8"                   # brand colour, #rrggbb; white text on it must meet WCAG AA (4.5:1)
  # logo: branding/logo.svg           # a .svg or .png inside this folder
returns:
  email: primarycare.quality@{slug}.example.nhs.uk             # replace: where practices send returns
support:
  email: primarycare.quality@{slug}.example.nhs.uk             # replace: where practices ask for support
  phone: 0300 000 0000
# register: registers/epraccur.csv    # NHS England's epraccur file, or the simple CSV of practices
{contacts_yaml(core, name, slug)}""",
        f"standards/{edition_id}/edition.yml": f"""# yaml-language-server: $schema={_schema_path("edition", dest / "standards" / edition_id)}
# {name}'s edition: the core edition {builds_on} with the ICB's own changes in {OVERLAY_FILE} and domains/.
# To move to next year's core, start the next edition (toolkit edition new) and change builds_on.
id: {edition_id}
title: {_quoted(core.info.title)}
status: published
{published}{deadline}builds_on: {builds_on}
""",
        f"standards/{edition_id}/{OVERLAY_FILE}": f"""# yaml-language-server: $schema={_schema_path("overlay", dest / "standards" / edition_id)}
# What {name} changes in the core edition {builds_on}: only what is local. See the README.
namespace: {code}            # every local id starts with {code}- (domain ids with {slug}-)
leave_out: []                # ids of core questions, standards or domains the ICB does not ask
contacts: []                 # contacts replacing the core's of the same id (or write them in toolkit.yml)
domains: []                  # per core domain: a new contact, local standards added at its end
standards: []                # per core standard: local guidance, evidence examples and links
""",
        f"standards/{edition_id}/domains/README.md": f"""Local domains of {name}: one file per domain, written like the core's domain files, with its id
starting `{slug}-` and its code, standard ids and question ids starting `{code}-`.
""",
        "README.md": readme(name, code, builds_on),
        ".gitignore": "# What the toolkit builds and keeps: made again from the sources, or holding practices' returns.\n"
        "/site/\n/build/\n/.cache/\n/store/\n",
    }
    for folder in FOLDERS:
        files[f"{folder}/README.md"] = {
            "registers": "The practice register: NHS England's `epraccur.csv` as downloaded, or the simple CSV. "
            "Name it in toolkit.yml under `register`.\n",
            "branding": "The ICB's logo (.svg or .png). Name it in toolkit.yml under `icb: logo`.\n",
        }[folder]
    return files


def contacts_yaml(core: Edition, name: str, slug: str) -> str:
    """The ``contacts`` of toolkit.yml: one for each contact the core's domains name, to be replaced with the real one."""
    lines = ["contacts:                             # the ICB's contact for each domain of the core: replace each"]
    for contact_id in dict.fromkeys(domain.contact for domain in core.domains):
        titles = [d.title[0].lower() + d.title[1:] for d in core.domains if d.contact == contact_id]
        words = contact_id.replace("-", " ")
        lines += [
            f"  - id: {contact_id}",
            f"    name: {_quoted(words[0].upper() + words[1:] + ', ' + name)}",
            f"    role: {_quoted('Supports practices with ' + '; '.join(titles))}",
            f"    email: {contact_id}@{slug}.example.nhs.uk",
        ]
    return "\n".join(lines) + "\n"


def _schema_path(kind: str, folder: Path) -> str:
    """The toolkit's JSON Schema of ``kind``, relative to ``folder`` (for editors' completion)."""
    schema = TOOLKIT_CORE.parent / "schema" / f"{kind}.schema.json"
    try:
        return Path(os.path.relpath(schema, folder.resolve())).as_posix()
    except ValueError:  # on another drive
        return schema.as_uri()


def readme(name: str, code: str, builds_on: str) -> str:
    edition_id = builds_on.split("/")[1]
    return f"""# {name}: GP Quality and Safety Toolkit

This folder is {name}'s ({code}) project for the GP Quality and Safety Toolkit. It builds on the
core edition `{builds_on}` that comes with the toolkit and holds only what is the ICB's own: its
settings, the questions it leaves out, its local standards, guidance and contacts, and its
practice register. Run every command from this folder.

## Every year, in order

1. **Settings.** Edit `toolkit.yml`: the ICB's name, ODS code, team, privacy notice, brand colour
   and logo (put the file in `branding/`), where practices send returns, and the contacts for each
   domain.
2. **Register.** Put NHS England's `epraccur.csv` (or the simple practices CSV) in `registers/` and
   name it in `toolkit.yml` under `register`.
3. **Local changes.** Edit `standards/{edition_id}/overlay.yml`: leave out core questions the ICB does
   not ask (`leave_out`), add local standards to core domains, local guidance, evidence examples and
   links to core standards, and replace contacts. Add local domains as files in
   `standards/{edition_id}/domains/`. Every local id starts with `{code}-` (domain ids with
   `{code.lower()}-`), so it never collides with a core id; core ids stay as they are, so returns
   can be compared with other ICBs'.
4. **Check and build.** `toolkit check` lists every problem as `path:line:column: message`, in the
   file where it is (this folder's or the core's). `toolkit build` builds the site and every form
   into `site/`.
5. **Collect and report.** `toolkit collect --from inbox/` and `toolkit report`.

## Moving to next year's core

When the core's next edition is published with the toolkit (update the toolkit first):

```sh
toolkit edition new NEXT --from {edition_id}   # copies this edition's overlay as a draft; builds_on moves to core/NEXT
toolkit check                                  # names any left-out or changed id the new core no longer has
toolkit diff {edition_id} NEXT                       # what changed for practices, core and local
toolkit edition publish NEXT
```

Nothing is merged by hand: the new core's reworded and replaced questions come with it, and the
overlay keeps only what is local.
"""


def make_project(dest: Path, name: str, code: str, core: Edition | None = None) -> Made:
    """Write a new ICB project into ``dest`` (new, or a folder without any of its files)."""
    name = " ".join(name.split())
    code = code.strip().upper()
    if not name:
        raise InitRefused("--icb-name must not be empty")
    if not CODE.match(code):
        raise InitRefused(
            f"--icb-code must be the ICB's ODS code, three letters or digits starting with a letter (such as QK1); got {code!r}"
        )
    if dest.is_symlink() or (dest.exists() and not dest.is_dir()):
        raise InitRefused(f"{dest} is not a folder; give a new folder, or an existing one without a project in it")
    core = core or newest_core()
    files = plan(name, code, core, dest)
    there = [relative for relative in files if os.path.lexists(dest / relative)]
    if there:
        shown = ", ".join(there)
        raise InitRefused(
            f"{dest} already holds {shown}; nothing was written (the toolkit never replaces a file it did not make)"
        )
    written: list[Path] = []
    for relative, text in files.items():
        path = dest / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as handle:
            handle.write(text)
        written.append(path)
    return Made(dest, tuple(written), f"{SHIPPED_CORE_NAME}/{core.id}")
