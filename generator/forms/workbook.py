"""The fillable self-assessment workbook (XlsxWriter), laid out by the contract in ``returnformat``.

- ``Start``: instructions, and the practice's details entered once (the practice code in C4);
  the edition is filled in and locked.
- One sheet per domain: a question per row, with its id, text, an answer cell whose dropdown
  (or number or date rule) allows only what the question allows, a comment cell and the
  action-plan cells, in the columns ``WORKBOOK_COLUMNS`` fixes. Only the cells a practice fills
  in are unlocked; the action-plan cells turn yellow when the answer flags a risk.
- ``_return`` (hidden): the edition and where each question's answer is, so that a returned
  workbook is read back without guessing.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from typing import Any

from .. import answertypes
from ..answertypes import FIRST_DAY, LAST_DAY, NEVER, number_text
from ..model import Domain, Edition, Question
from ..returnformat import JSON_FORMAT, WORKBOOK_COLUMNS, WORKBOOK_DATA_SHEET
from ..settings import MIN_CONTRAST, Settings, contrast
from .pdf import dates_line, owner, risk_text
from .text import plain

START_SHEET = "Start"
LISTS_SHEET = "_lists"
PRACTICE_CODE_CELL = "C4"
HEADER_ROW = 4
"""The 1-based row of the column headings on a domain sheet; questions start below it."""

EXTRA_COLUMNS = {"how": "H", "plan_when": "I", "help": "J"}
"""Columns after the contract's: how to answer, when an action plan is needed, the help text."""

WIDTHS = {"A": 8, "B": 60, "C": 16, "D": 30, "E": 32, "F": 16, "G": 13, "H": 22, "I": 22, "J": 60}
NO_CODE_YET = "(enter the practice code on the Start sheet)"
PRINTED_COLUMNS = 10
"""Columns A to J are printed, the help text (J) included: a practice answering on paper needs it too."""

INSTRUCTIONS = (
    "Fill in the practice's details here once: every sheet uses them.",
    "Each domain has its own sheet. Answer every question in column C: choose from the dropdown, or type a "
    "number or a date (such as 30/06/2025) where the question asks for one. Use column D for any comment.",
    "Where an answer flags a risk the action-plan cells (columns E to G) turn yellow: say what the practice "
    "will do, who will do it and by when.",
    "The last question on each sheet asks whether you would like the ICB's support in that domain.",
    "Only the cells you fill in can be changed. Do not rename, move or delete sheets, rows or columns: "
    "the ICB reads the answers back from where they are.",
    "Save the workbook as .xlsx and send it to the ICB as the return asks.",
)

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_LIMIT = 31
"""Excel refuses a longer sheet name."""
_PAIR_AT_END = re.compile(r"(?<= & )\w+ & \w+$")
"""A closing pair of single words after another '&', such as '… & health & safety': one phrase, never split."""


def workbook_name(edition: Edition) -> str:
    return f"self-assessment-{edition.id}.xlsx"


def short_title(title: str, limit: int = SHEET_NAME_LIMIT) -> str:
    """A domain's title within ``limit`` characters without cutting a phrase in two.

    'and' becomes '&' first ('Safeguarding children & adults'); if that is still too long, whole phrases are
    kept from the start, a title's phrases being what its commas and '&'s separate, and a closing pair of
    single words ('health & safety') counting as one: 'Premises, equipment and health and safety' →
    'Premises, equipment'; 'Clinical audit and quality improvement' → 'Clinical audit'. Only a first phrase
    longer than ``limit`` is cut, at a word.
    """
    text = " ".join(_SHEET_FORBIDDEN.sub(" ", title).split()).strip(" '")
    if len(text) <= limit:
        return text
    text = re.sub(r" and ", " & ", text)
    if len(text) <= limit:
        return text
    pair = _PAIR_AT_END.search(text)
    body, tail = (text[: pair.start()], pair.group(0)) if pair else (text, "")
    parts = re.split(r"(, | & )", body)
    if tail:
        parts[-1] += tail
    phrases, joins = parts[0::2], ["", *parts[1::2]]
    kept = ""
    for join, phrase in zip(joins, phrases, strict=True):
        if len(kept + join + phrase) > limit:
            break
        kept += join + phrase
    if kept:
        return kept
    cut = text.rfind(" ", 0, limit + 1)
    return text[: cut if cut > 0 else limit].rstrip(" ,&")


def sheet_names(edition: Edition) -> dict[str, str]:
    """Each domain's sheet name: its short title (:func:`short_title`), unique, by domain id."""
    names: dict[str, str] = {}
    taken = {START_SHEET.lower(), WORKBOOK_DATA_SHEET.lower(), LISTS_SHEET.lower()}
    for domain in edition.domains:
        name = short_title(domain.title)
        if name.lower() in taken:
            name = f"{short_title(domain.title, SHEET_NAME_LIMIT - len(domain.code) - 1)} {domain.code}"
        taken.add(name.lower())
        names[domain.id] = name
    return names


def how_to_answer(question: Question) -> str:
    return answertypes.of(question).how_to_answer(question)


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 1)
    return text[: cut if cut > 0 else limit - 1] + "…"


def _rows_for(text: str, chars_per_line: int) -> int:
    return max(1, math.ceil(len(text) / chars_per_line))


def _risk_formula(question: Question, cell: str) -> str | None:
    """A formula true when the answer in ``cell`` flags a risk, for conditional formatting."""
    if question.risk_answers:
        tests = ",".join(f'{cell}="{a}"' for a in question.risk_answers)
        return f"=OR({tests})"
    parts = []
    if question.risk_below is not None:
        parts.append(f"{cell}<{number_text(question.risk_below)}")
    if question.risk_above is not None:
        parts.append(f"{cell}>{number_text(question.risk_above)}")
    if parts:
        return f"=AND(ISNUMBER({cell}),OR({','.join(parts)}))"
    if question.risk_older_than_months is not None:
        old = f"AND(ISNUMBER({cell}),{cell}<EDATE(TODAY(),-{question.risk_older_than_months}))"
        return f'=OR({old},LOWER(TRIM({cell}))="{NEVER}")'  # never done flags as an old date does
    return None


class _Builder:
    def __init__(self, edition: Edition, created: dt.datetime, icb: Settings | None = None) -> None:
        import xlsxwriter

        self.edition = edition
        self.icb = icb
        self.buffer = io.BytesIO()
        self.book = xlsxwriter.Workbook(self.buffer, {"in_memory": True, "strings_to_numbers": False})
        self.book.set_properties(
            {
                "title": f"Self-assessment workbook: {edition.info.title}",
                "subject": "GP practice self-assessment return",
                "author": owner(icb),
                "company": icb.icb.name if icb is not None else owner(icb),
                "created": created,
                "comments": f"Edition {edition.id}. Fill in and send as the return.",
            }
        )
        self.book.set_calc_mode("auto")
        f = self.book.add_format
        base = {"font_name": "Arial", "font_size": 10, "valign": "top"}
        brand = icb.icb.colour.upper() if icb is not None else "#005EB8"  # toolkit.yml's, checked for contrast
        self.title = f({**base, "bold": True, "font_size": 16, "font_color": brand})
        self.subtitle = f({**base, "font_size": 11, "bold": True})
        self.text = f({**base, "text_wrap": True})
        self.note = f({**base, "font_color": "#4C6272", "font_size": 9})
        self.muted = f({**base, "text_wrap": True, "font_color": "#4C6272", "font_size": 9})
        self.label = f({**base, "bold": True})
        self.header = f({**base, "bold": True, "bg_color": brand, "font_color": "#FFFFFF", "text_wrap": True})
        # On the standards' grey rows the brand colour is used only where it still meets WCAG AA's 4.5:1.
        on_grey = brand if contrast(brand, "#E8EDEE") >= MIN_CONTRAST else "#212B32"
        self.standard = f({**base, "bold": True, "bg_color": "#E8EDEE", "font_color": on_grey, "text_wrap": True})
        self.qid = f({**base, "bold": True, "font_color": brand, "border": 1, "border_color": "#AEB7BD"})
        self.question = f({**base, "text_wrap": True, "border": 1, "border_color": "#AEB7BD"})
        self.hint = f(
            {**base, "text_wrap": True, "font_size": 9, "font_color": "#4C6272", "border": 1, "border_color": "#AEB7BD"}
        )
        input_base = {
            **base,
            "locked": False,
            "bg_color": "#FFFFFF",
            "border": 1,
            "border_color": "#425563",
            "text_wrap": True,
        }
        self.input = f(input_base)
        self.input_text = f({**input_base, "num_format": "@"})
        self.input_date = f({**input_base, "num_format": "dd/mm/yyyy", "align": "left"})
        self.input_number = f({**input_base, "align": "left"})
        self.locked_value = f({**base, "bold": True, "border": 1, "border_color": "#425563", "bg_color": "#E8EDEE"})
        self.risk = f({"bg_color": "#FFF3B0"})
        self.list_rows = 0
        self.lists: Any = None

    # -- lists for dropdowns that do not fit inline -------------------------------------------------
    def list_source(self, answers: tuple[str, ...]) -> list[str] | str:
        inline = ",".join(answers)
        if len(inline) <= 250 and not any("," in a or '"' in a for a in answers):
            return list(answers)
        if self.lists is None:
            self.lists = self.book.add_worksheet(LISTS_SHEET)
            self.lists.hide()
            self.lists.protect("")
        self.list_rows += 1
        row = self.list_rows - 1
        for col, answer in enumerate(answers):
            self.lists.write_string(row, col, answer)
        from xlsxwriter.utility import xl_col_to_name

        last = xl_col_to_name(len(answers) - 1)
        return f"={LISTS_SHEET}!$A${row + 1}:${last}${row + 1}"

    # -- sheets ---------------------------------------------------------------------------------------
    def start_sheet(self) -> None:
        ws = self.book.add_worksheet(START_SHEET)
        _print_setup(ws, landscape=False)
        ws.hide_gridlines(2)
        ws.set_column("A:A", 3)
        ws.set_column("B:B", 30)
        ws.set_column("C:C", 60)
        ws.write("B1", "Self-assessment workbook", self.title)
        ws.write("B2", f"{self.edition.info.title} · {dates_line(self.edition)}", self.subtitle)
        ws.write("B3", "Practice name", self.label)
        ws.write_blank("C3", None, self.input_text)
        ws.write("B4", "Practice ODS code", self.label)
        ws.write_blank(PRACTICE_CODE_CELL, None, self.input_text)
        ws.data_validation(
            PRACTICE_CODE_CELL,
            {
                "validate": "length",
                "criteria": "==",
                "value": 6,
                "input_title": "Practice ODS code",
                "input_message": "One capital letter and five digits, such as C82001.",
                "error_title": "Practice ODS code",
                "error_message": "An ODS code is one capital letter and five digits, such as C82001.",
            },
        )
        ws.write("B5", "Edition", self.label)
        ws.write_string("C5", self.edition.id, self.locked_value)
        ws.write("B6", "Completed by (name and role)", self.label)
        ws.write_blank("C6", None, self.input_text)
        ws.write("B7", "Date completed (DD/MM/YYYY)", self.label)
        ws.write_blank("C7", None, self.input_date)
        ws.data_validation("C7", _date_rule("Date completed"))
        for input_row in (2, 3, 5, 6):
            ws.set_row(input_row, 20)
        ws.write("B9", "How to fill in this workbook", self.subtitle)
        row = 9
        for line in INSTRUCTIONS:
            ws.write_string(row, 1, "•", self.text)
            ws.write_string(row, 2, line, self.text)
            ws.set_row(row, 15 * _rows_for(line, 80))
            row += 1
        if self.icb is not None:
            row = self.sending(ws, row + 1, self.icb)
        row += 1
        ws.write_string(row, 1, "Sheets", self.subtitle)
        row += 1
        names = sheet_names(self.edition)
        for domain in self.edition.domains:
            count = sum(1 for _ in domain.questions())
            ws.write_url(row, 1, f"internal:'{names[domain.id]}'!A1", string=names[domain.id])
            ws.write_string(row, 2, f"{domain.title}: {count} questions", self.text)
            row += 1
        ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})
        ws.activate()
        ws.set_first_sheet()

    def sending(self, ws: Any, row: int, icb: Settings) -> int:
        """The Start sheet's 'Sending your return' block from toolkit.yml: where and by when, and whom to ask.
        Returns the row after it."""
        ws.write_string(row, 1, "Sending your return", self.subtitle)
        lines = [icb.where_to_send(self.edition)]
        ask = f"Questions about the return: {icb.icb.team}, {icb.icb.name}, {icb.support.email}"
        lines.append(ask + (f", {icb.support.phone}." if icb.support.phone else "."))
        for line in lines:
            row += 1
            ws.write_string(row, 1, "\u2022", self.text)
            ws.write_string(row, 2, line, self.text)
            ws.set_row(row, 15 * _rows_for(line, 80))
        return row + 1

    def domain_sheet(self, domain: Domain, name: str) -> list[tuple[str, int]]:
        """Write one domain's sheet; return each question's id and the 1-based row of its answer."""
        ws = self.book.add_worksheet(name)
        _print_setup(ws, landscape=True)
        ws.repeat_rows(HEADER_ROW - 1)
        for column, width in WIDTHS.items():
            ws.set_column(f"{column}:{column}", width)
        ws.write_string(0, 0, domain.title, self.title)
        ws.set_row(0, 24)
        ws.write_string(1, 0, "Practice", self.label)
        ws.write_formula(
            1,
            1,
            f'=IF({START_SHEET}!{PRACTICE_CODE_CELL}="","{NO_CODE_YET}",{START_SHEET}!{PRACTICE_CODE_CELL})',
            self.label,
            NO_CODE_YET,
        )
        ws.write_string(2, 0, "Answer in column C; where the action-plan cells turn yellow, fill them in.", self.note)
        headings = {
            "question_id": "Id",
            "question": "Question",
            "answer": "Answer",
            "comment": "Comment",
            "action": "Action plan: what you will do",
            "action_owner": "Who",
            "action_due": "By when (DD/MM/YYYY)",
        }
        header = HEADER_ROW - 1
        for field, column in WORKBOOK_COLUMNS.items():
            ws.write_string(f"{column}{HEADER_ROW}", headings[field], self.header)
        ws.write_string(f"{EXTRA_COLUMNS['how']}{HEADER_ROW}", "How to answer", self.header)
        ws.write_string(f"{EXTRA_COLUMNS['plan_when']}{HEADER_ROW}", "Action plan needed if", self.header)
        ws.write_string(f"{EXTRA_COLUMNS['help']}{HEADER_ROW}", "Help", self.header)
        ws.set_row(header, 30)
        ws.freeze_panes(HEADER_ROW, 2)

        placed: list[tuple[str, int]] = []
        row = HEADER_ROW  # 0-based index of the row below the header
        groups: list[tuple[str, tuple[Question, ...]]] = [(f"{s.id}  {s.title}", s.questions) for s in domain.standards]
        groups.append(("Support from the ICB", (domain.support_question,)))
        for heading, questions in groups:
            ws.merge_range(row, 0, row, 9, heading, self.standard)
            ws.set_row(row, 18)
            row += 1
            for question in questions:
                self.question_row(ws, row, question)
                placed.append((question.id, row + 1))
                row += 1
        ws.print_area(0, 0, row - 1, PRINTED_COLUMNS - 1)
        ws.protect(
            "",
            {"select_locked_cells": True, "select_unlocked_cells": True, "format_rows": True, "format_columns": True},
        )
        return placed

    def question_row(self, ws: Any, row: int, question: Question) -> None:
        c = {field: f"{column}{row + 1}" for field, column in WORKBOOK_COLUMNS.items()}
        ws.write_string(c["question_id"], question.id, self.qid)
        ws.write_string(c["question"], question.text + ("" if question.required else " (optional)"), self.question)
        kind = answertypes.of(question)
        answer_format = {"number": self.input_number, "date": self.input_date}.get(kind.kind, self.input_text)
        ws.write_blank(c["answer"], None, answer_format)
        for field in ("comment", "action", "action_owner"):
            ws.write_blank(c[field], None, self.input_text)
        ws.write_blank(c["action_due"], None, self.input_date)
        ws.write_string(f"{EXTRA_COLUMNS['how']}{row + 1}", how_to_answer(question), self.hint)
        ws.write_string(
            f"{EXTRA_COLUMNS['plan_when']}{row + 1}", risk_text(question) if question.can_flag_risk else "", self.hint
        )
        ws.write_string(f"{EXTRA_COLUMNS['help']}{row + 1}", plain(question.help), self.hint)
        lines = max(_rows_for(question.text, 70), _rows_for(question.help, 72) * 0.9, 2)
        ws.set_row(row, round(13.5 * lines + 4))

        message = {
            "input_title": _clip(f"{question.id}: how to answer", 32),
            "input_message": _clip(
                how_to_answer(question) + (". " + plain(question.help) if question.help else ""), 255
            ),
        }
        error = {
            "error_title": _clip(f"{question.id}: not an allowed answer", 32),
            "error_message": _clip(how_to_answer(question) + ".", 255),
        }
        if question.allowed_answers:
            rule: dict[str, Any] = {"validate": "list", "source": self.list_source(question.allowed_answers)}
        else:
            rule = kind.workbook_validation(question, c["answer"])
        ws.data_validation(c["answer"], {**rule, **message, **(error if rule["validate"] != "any" else {})})
        ws.data_validation(c["action_due"], _date_rule("Action due"))
        formula = _risk_formula(question, f"${WORKBOOK_COLUMNS['answer']}{row + 1}")
        if formula:
            ws.conditional_format(
                f"{c['action']}:{c['action_due']}", {"type": "formula", "criteria": formula, "format": self.risk}
            )

    def data_sheet(self, placed: list[tuple[str, str, int]]) -> None:
        ws = self.book.add_worksheet(WORKBOOK_DATA_SHEET)
        ws.write_string("A1", "format")
        ws.write_string("B1", JSON_FORMAT)
        ws.write_string("A2", "edition")
        ws.write_string("B2", self.edition.id)
        ws.write_string("A3", "practice_code")
        ws.write_string("B3", f"{START_SHEET}!{PRACTICE_CODE_CELL}")
        ws.write_string("A4", "question_id")
        ws.write_string("B4", "sheet")
        ws.write_string("C4", "row")
        for index, (question_id, sheet, row) in enumerate(placed, start=4):
            ws.write_string(index, 0, question_id)
            ws.write_string(index, 1, sheet)
            ws.write_number(index, 2, row)
        ws.protect("")
        ws.hide()

    def build(self) -> bytes:
        self.start_sheet()
        names = sheet_names(self.edition)
        placed: list[tuple[str, str, int]] = []
        for domain in self.edition.domains:
            placed += [(qid, names[domain.id], row) for qid, row in self.domain_sheet(domain, names[domain.id])]
        self.data_sheet(placed)
        self.book.close()
        return self.buffer.getvalue()


def _print_setup(ws: Any, landscape: bool) -> None:
    """A4, one page wide, with the sheet's name and page number in the footer."""
    ws.set_paper(9)
    if landscape:
        ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    ws.set_footer("&L&8&A&R&8Page &P of &N")


def _date_rule(title: str) -> dict[str, Any]:
    return {
        "validate": "date",
        "criteria": "between",
        "minimum": FIRST_DAY,
        "maximum": LAST_DAY,
        "input_title": _clip(title, 32),
        "input_message": "A date, such as 30/06/2025.",
        "error_title": _clip(title, 32),
        "error_message": "Enter a real date, such as 30/06/2025.",
    }


def render_workbook(edition: Edition, created: dt.datetime, icb: Settings | None = None) -> bytes:
    """The workbook's bytes: the same for the same edition, ``created`` date and ICB settings."""
    return _Builder(edition, created, icb).build()
