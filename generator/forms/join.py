"""Join tagged PDFs (the whole form's cover and sections) into one tagged PDF with the same structure.

Each part is a PDF/UA-1 file written by WeasyPrint: a catalogue with a structure tree (one
``Document`` element), a parent tree numbering each page's marked content, named destinations
and bookmarks. The joined file is the first part (which gives it its title, language, XMP
metadata with the PDF/UA identification, and document information) with every later part's
pages added: their structure elements join the first part's ``Document`` element in order, the
parent tree's keys are moved on past the parts before, and their bookmarks and destinations
point at the joined pages.

qpdf (through pikepdf) copies the objects and writes the file: it is many times faster than
reading and writing the tens of thousands of objects in Python, and it writes only what the
joined file uses, with an identifier made from its content, so the same parts give the same bytes.
"""

from __future__ import annotations

import io
from typing import Any


def join(parts: list[bytes]) -> bytes:
    """One PDF of ``parts``' pages in order, tagged as each part was."""
    import pikepdf
    from pikepdf import Array, Name

    joined = pikepdf.open(io.BytesIO(parts[0]))
    tree = joined.Root.StructTreeRoot
    (document,) = list(tree.K)
    numbers = tree.ParentTree.Nums
    next_key = _next_key(numbers)
    destinations = joined.Root.Names.Dests.Names if "/Names" in joined.Root else None
    with joined.open_outline() as outline:
        for data in parts[1:]:
            part = pikepdf.open(io.BytesIO(data))
            first_page = len(joined.pages)
            joined.pages.extend(part.pages)
            for page in list(joined.pages)[first_page:]:
                if "/StructParents" in page.obj:
                    page.obj.StructParents = int(page.obj.StructParents) + next_key
                for annotation in page.obj.get("/Annots", Array()):
                    if "/StructParent" in annotation:
                        annotation.StructParent = int(annotation.StructParent) + next_key
            part_tree = part.Root.StructTreeRoot
            (part_document,) = list(part_tree.K)
            for element in _copy(joined, part, part_document.K):
                element.P = document
                document.K.append(element)
            part_numbers = part_tree.ParentTree.Nums
            copied = _copy(joined, part, part_numbers)
            for index in range(0, len(copied), 2):
                numbers.append(int(copied[index]) + next_key)
                numbers.append(copied[index + 1])
            next_key += _next_key(part_numbers)
            if destinations is not None and "/Names" in part.Root:
                destinations.extend(_copy(joined, part, part.Root.Names.Dests.Names))
            with part.open_outline() as part_outline:
                outline.root.extend(_copy_items(joined, part, part_outline.root))
    tree.ParentTreeNextKey = next_key
    if destinations is not None:
        pairs = sorted(zip(list(destinations)[::2], list(destinations)[1::2], strict=True), key=lambda p: str(p[0]))
        joined.Root.Names.Dests.Names = Array([item for pair in pairs for item in pair])
    joined.Root.PageMode = Name.UseOutlines
    out = io.BytesIO()
    joined.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def _next_key(numbers: Any) -> int:
    """One past the highest key of a flat number tree's ``/Nums`` array."""
    keys = [int(numbers[index]) for index in range(0, len(numbers), 2)]
    return max(keys, default=-1) + 1


def _copy(joined: Any, part: Any, value: Any) -> Any:
    """``value`` of ``part`` copied into ``joined`` (qpdf copies only whole objects: a direct one is made whole first)."""
    if not value.is_indirect:
        value = part.make_indirect(value)
    return joined.copy_foreign(value)


def _copy_items(joined: Any, item_pdf: Any, items: list[Any]) -> list[Any]:
    """Bookmarks of another PDF, their destinations pointing at its pages as copied into ``joined``."""
    from pikepdf import OutlineItem

    copies = []
    for item in items:
        destination = item.destination
        if destination is not None and not isinstance(destination, (str, int)):
            destination = _copy(joined, item_pdf, destination)
        copy = OutlineItem(item.title, destination=destination)
        copy.is_closed = item.is_closed
        copy.children.extend(_copy_items(joined, item_pdf, item.children))
        copies.append(copy)
    return copies
