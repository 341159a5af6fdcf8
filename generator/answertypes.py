"""Answer types, each defined once: what a question of the type accepts, how an answer is read, how it is
put in words, which answer rules it takes, what the forms show for it.

A question's ``type`` names one :class:`AnswerType` in :data:`TYPES`. Every medium asks the type
rather than comparing the name: the site's descriptions (``site/describe.py``), the printed form
(``forms/pdf.py``), the workbook and its data validation (``forms/workbook.py``), the worked example
(``forms/example.py``), the online form and the data its scripts read (``selfassess/``), the checks of
the standards (``check.py``), the collector (``returns/validate.py``) and carry-forward (``carry.py``).

Each type is of one **kind**, which decides how it is answered and read:

* ``fixed``: one of a list of answers (the type's own, or the question's ``options``): tick boxes on
  paper, radio buttons online, a dropdown in the workbook;
* ``number``: a number, within the question's ``minimum`` and ``maximum``;
* ``date``: a date, YYYY-MM-DD;
* ``text``: anything, in the practice's own words.

To add an answer type, add its name to :data:`AnswerTypeName` and an :class:`AnswerType` to
:data:`TYPES`. A type of an existing kind needs nothing else (but ``toolkit schema``); a new kind needs
its branches here, its input in the printed form (``site_templates/forms/question.html.j2``) and online
(``site_templates/selfassess/_fields.html.j2``).

This module imports nothing else of the package, so that the model and every medium can import it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

AnswerTypeName = Literal["yes_no_partial_na", "yes_no_partial", "yes_no", "number", "date", "choice", "text"]
"""How a question is answered: the names of :data:`TYPES`, in their order."""

Kind = Literal["fixed", "number", "date", "text"]
"""How a type is answered and read (see the module's text)."""

RULE_FIELDS = (
    "options",
    "minimum",
    "maximum",
    "unit",
    "risk_below",
    "risk_above",
    "risk_older_than_months",
    "risk_answers",
)
"""The fields of a question that only some answer types take, in the order the checks report them."""

NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
"""A number as a return gives it: digits, an optional minus and decimal part; no exponent, no spaces."""
ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
NOT_APPLICABLE = "not applicable"
"""The fixed answer that says a question does not apply: where a question says when (``not_applicable_when``),
it needs the reason in the comment."""
NEVER = "never"
"""A date question's answer when the thing has never been done: it flags a risk wherever an old date would."""
NEVER_WORDS = frozenset({"never", "never done"})
"""How a return may write :data:`NEVER` (case ignored)."""


class Rules(Protocol):
    """What the answer types read of a question (``generator.model.Question`` has all of it)."""

    @property
    def type(self) -> str: ...
    @property
    def options(self) -> tuple[str, ...]: ...
    @property
    def minimum(self) -> float | None: ...
    @property
    def maximum(self) -> float | None: ...
    @property
    def unit(self) -> str: ...
    @property
    def risk_answers(self) -> tuple[str, ...]: ...
    @property
    def risk_below(self) -> float | None: ...
    @property
    def risk_above(self) -> float | None: ...
    @property
    def risk_older_than_months(self) -> int | None: ...


def number_text(value: float) -> str:
    """A number as every medium writes it (the site, the forms, the workbook, messages, questions.csv): a whole
    number without a decimal point, any other as Python and JavaScript both print it, never rounded."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def listed(values: Iterable[str], last: str = "or") -> str:
    """'a', 'a or b', 'a, b or c'."""
    items = list(values)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def with_unit(value: float, unit: str) -> str:
    """'50%', '30 days', '12'."""
    if not unit:
        return number_text(value)
    return f"{number_text(value)}{unit}" if unit == "%" else f"{number_text(value)} {unit}"


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` calendar months, on the same day of the month or the 28th (the worked example's)."""
    month = day.month - 1 + months
    year = day.year + month // 12
    return dt.date(year, month % 12 + 1, min(day.day, 28))


@dataclass(frozen=True)
class Reading:
    """An answer as the collector reads it: the normalised answer, or why it is refused."""

    value: str
    """The normalised answer; when refused, the value the message quotes."""
    problem: str = ""
    """The collector's message code (``answer_not_allowed``, ``answer_not_number``, …); '' when accepted."""
    params: Mapping[str, str] = field(default_factory=dict)
    """The message's parameters (``allowed``, ``range``)."""

    @property
    def ok(self) -> bool:
        return not self.problem


@dataclass(frozen=True)
class RuleProblem:
    """An answer rule of a question that does not fit its type, for ``toolkit check``."""

    path: tuple[str | int, ...]
    """Where, under the question: ('options',) or ('options', 2)."""
    message: str
    at_key: bool = True
    """Placed at the field's key (True) or at its value."""


@dataclass(frozen=True)
class Box:
    """A box to write in on the printed form: 'Number' with '%' and 'from 0 to 100'."""

    label: str
    css: str
    note: str


@dataclass(frozen=True)
class AnswerType:
    """One answer type: its name, kind and everything that differs between types of one kind."""

    name: str
    kind: Kind
    summary: str
    """In a list of changes between editions: 'yes / no', 'a number'."""
    schema_note: str = ""
    """After its name in the JSON Schema's description of ``type``: 'one of options'."""
    answers: tuple[str, ...] = ()
    """A fixed kind's own answers, as a return gives them."""
    own_options: bool = False
    """A fixed kind whose answers are the question's ``options``, written by the editor (shown as written)."""
    fields: frozenset[str] = frozenset()
    """Which of :data:`RULE_FIELDS` it takes."""

    # -- what it accepts -----------------------------------------------------------------------------

    def allowed(self, question: Rules) -> tuple[str, ...]:
        """The fixed answers a return may give, or () where any value of the kind will do."""
        return tuple(question.options) if self.own_options else self.answers

    def reader(self, question: Rules, read_date: Callable[[str], str] = str) -> Callable[[str], Reading]:
        """How the collector reads a (stripped, non-empty) answer to ``question``; ``read_date`` turns a date the
        collector forgives (31/12/2025) into YYYY-MM-DD."""
        allowed = self.allowed(question)
        if allowed:
            canonical = {a.casefold(): a for a in allowed}
            words = {"allowed": listed(allowed)}

            def fixed(value: str) -> Reading:
                found = canonical.get(value.casefold())
                return Reading(found) if found is not None else Reading(value, "answer_not_allowed", words)

            return fixed
        if self.kind == "number":
            low, high = question.minimum, question.maximum
            bounds = {"range": number_range(question)}

            def number(value: str) -> Reading:
                if not NUMBER.match(value):
                    return Reading(value, "answer_not_number", bounds)
                read = float(value)
                if (low is not None and read < low) or (high is not None and read > high):
                    return Reading(value, "answer_out_of_range", bounds)
                return Reading(value)

            return number
        if self.kind == "date":

            def date(value: str) -> Reading:
                if value.casefold() in NEVER_WORDS:
                    return Reading(NEVER)
                value = read_date(value)
                return Reading(value) if is_date(value) else Reading(value, "answer_not_date")

            return date
        return Reading

    # -- in words ------------------------------------------------------------------------------------

    def describe(self, question: Rules) -> str:
        """How a practice answers, on the site: 'Yes, partial, no or not applicable', 'A number from 0 to 100%'."""
        if self.own_options:
            return f"One of: {listed(question.options)}"
        if self.answers:
            return _capital(listed(self.answers))
        if self.kind == "number":
            if question.minimum is not None and question.maximum is not None:
                return (
                    f"A number from {with_unit(question.minimum, question.unit)} "
                    f"to {with_unit(question.maximum, question.unit)}"
                )
            return "A number"
        if self.kind == "date":
            return "A date, or never"
        return "In your own words"

    def how_to_answer(self, question: Rules) -> str:
        """How to answer, in the workbook's words: 'Choose yes or no', 'A number from 0 to 100 (%)'."""
        allowed = self.allowed(question)
        if allowed:
            return f"Choose {listed(allowed)}"
        if self.kind == "number":
            bounds = ""
            if question.minimum is not None and question.maximum is not None:
                bounds = f" from {number_text(question.minimum)} to {number_text(question.maximum)}"
            unit = f" ({question.unit})" if question.unit else ""
            return f"A number{bounds}{unit}"
        if self.kind == "date":
            return "A date, such as 31/12/2025, or never"
        return "Free text"

    def hint(self, question: Rules) -> str:
        """What the online form says under the question, after its help: 'A number from 0 to 100 (%).'"""
        if self.kind == "number":
            unit = f" ({question.unit})" if question.unit else ""
            low, high = question.minimum, question.maximum
            if low is not None and high is not None:
                return f"A number from {number_text(low)} to {number_text(high)}{unit}."
            if low is not None:
                return f"A number, {number_text(low)} or more{unit}."
            if high is not None:
                return f"A number, {number_text(high)} or less{unit}."
        if self.kind == "date":
            return "For example, 27 3 2025. If it has never been done, tick Never done."
        return ""

    def label(self, answer: str) -> str:
        """An answer as a tick box or radio button shows it: the type's own capitalised, options as written."""
        return answer if self.own_options else _capital(answer)

    def quoted(self, answers: Sequence[str]) -> list[str]:
        """Answers as a sentence quotes them: options written by the editor in quotation marks."""
        return [f"“{a}”" for a in answers] if self.own_options else list(answers)

    # -- what the forms show -------------------------------------------------------------------------

    def box(self, question: Rules) -> Box | None:
        """The box to write in on the printed form; None for tick boxes (a fixed kind) or lines (text)."""
        if self.kind == "number":
            return Box("Number", "num", printed_range(question))
        if self.kind == "date":
            return Box("Date", "date", "as DD/MM/YYYY: day, month, year; or write never")
        return None

    def workbook_validation(self, question: Rules, cell: str = "A1") -> dict[str, Any]:
        """The workbook answer ``cell``'s data validation (XlsxWriter's options), but a fixed kind's list source."""
        if self.kind == "number":
            return {
                "validate": "decimal",
                "criteria": "between",
                "minimum": question.minimum if question.minimum is not None else -1e15,
                "maximum": question.maximum if question.maximum is not None else 1e15,
            }
        if self.kind == "date":  # a date between the two days, or the word never
            first, last = (day.toordinal() - dt.date(1899, 12, 30).toordinal() for day in (FIRST_DAY, LAST_DAY))
            within = f"AND(ISNUMBER({cell}),{cell}>={first},{cell}<={last})"
            return {"validate": "custom", "value": f'=OR({within},LOWER(TRIM({cell}))="{NEVER}")'}
        return {"validate": "any"}

    # -- checks of the standards ---------------------------------------------------------------------

    def rule_problems(self, question: Rules) -> list[RuleProblem]:
        """Answer rules of ``question`` that do not fit this type, in the order ``toolkit check`` reports them."""
        found: list[RuleProblem] = []
        for name in RULE_FIELDS:
            value = getattr(question, name)
            if value not in (None, "", ()) and name not in self.fields:
                takers = listed(t.name for t in TYPES.values() if name in t.fields)
                found.append(
                    RuleProblem((name,), f"'{name}' does not apply to a {self.name} question (only to {takers})")
                )
        if self.own_options:
            options = question.options
            if len(options) < 2:
                found.append(
                    RuleProblem(
                        ("options",) if options else ("type",), f"a {self.name} question needs at least two 'options'"
                    )
                )
            lowered = [o.strip().lower() for o in options]
            for index, option in enumerate(options):
                if lowered.index(option.strip().lower()) != index:
                    found.append(RuleProblem(("options", index), f"the option {option!r} is given twice", False))
                if "|" in option:
                    found.append(RuleProblem(("options", index), "an option must not contain '|'", False))
        if self.kind == "number":
            low, high = question.minimum, question.maximum
            if low is None or high is None:
                found.append(RuleProblem(("type",), f"a {self.name} question needs a 'minimum' and a 'maximum'"))
            elif low > high:
                found.append(
                    RuleProblem(
                        ("minimum",), f"'minimum' ({number_text(low)}) is larger than 'maximum' ({number_text(high)})"
                    )
                )
            for name in ("risk_below", "risk_above"):
                value = getattr(question, name)
                if value is not None and low is not None and high is not None and not low <= value <= high:
                    found.append(
                        RuleProblem(
                            (name,),
                            f"'{name}' ({number_text(value)}) is outside the allowed answers "
                            f"{number_text(low)} to {number_text(high)}",
                        )
                    )
        return found

    # -- a worked example ----------------------------------------------------------------------------

    def example(self, question: Rules, day: dt.date, risky: bool) -> tuple[str, bool]:
        """An answer to ``question`` given on ``day``; one that flags a risk if ``risky`` and the question allows it.
        Returns (answer, flags a risk)."""
        if self.kind == "fixed":
            allowed = self.allowed(question)
            if risky:
                risk = [a for a in allowed if a in question.risk_answers]
                if risk:
                    return risk[0], True
            safe = [a for a in allowed if a not in question.risk_answers]
            return (safe or list(allowed))[0], False
        if self.kind == "number":
            if risky:
                value = _risky_number(question)
                if value is not None:
                    return number_text(value), True
            return number_text(_safe_number(question)), False
        if self.kind == "date":
            if risky and question.risk_older_than_months is not None:
                return add_months(day, -(question.risk_older_than_months + 3)).isoformat(), True
            return (day - dt.timedelta(days=47)).isoformat(), False
        return "Discussed at the practice meeting; notes kept with the minutes.", False

    # -- for the online form's scripts ---------------------------------------------------------------

    def data(self, question: Rules) -> dict[str, Any]:
        """What the online form's scripts need to know of the type, as JSON-ready data: ``kind`` (which input,
        which reading, which risk rule), the words of the site (``describe``), the workbook (``how``) and the form
        (``hint``), and the collector's message parameters ``range`` (numbers) and ``allowed`` (fixed answers)."""
        return {
            "kind": self.kind,
            "describe": self.describe(question),
            "how": self.how_to_answer(question),
            "hint": self.hint(question),
            "range": number_range(question) if self.kind == "number" else "",
            "allowed": listed(self.allowed(question)),
        }


FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2099, 12, 31)
"""The dates the workbook's date cells allow."""

_FIXED_RISK = frozenset({"risk_answers"})
_NUMBER_RULES = frozenset({"minimum", "maximum", "unit", "risk_below", "risk_above"})

TYPES: dict[str, AnswerType] = {
    t.name: t
    for t in (
        AnswerType(
            "yes_no_partial_na",
            "fixed",
            "yes / partial / no / not applicable",
            "yes / partial / no / not applicable",
            answers=("yes", "partial", "no", "not applicable"),
            fields=_FIXED_RISK,
        ),
        AnswerType(
            "yes_no_partial", "fixed", "yes / partial / no", answers=("yes", "partial", "no"), fields=_FIXED_RISK
        ),
        AnswerType("yes_no", "fixed", "yes / no", answers=("yes", "no"), fields=_FIXED_RISK),
        AnswerType("number", "number", "a number", "with minimum and maximum", fields=_NUMBER_RULES),
        AnswerType("date", "date", "a date", fields=frozenset({"risk_older_than_months"})),
        AnswerType(
            "choice",
            "fixed",
            "a choice of options",
            "one of options",
            own_options=True,
            fields=_FIXED_RISK | {"options"},
        ),
        AnswerType("text", "text", "free text"),
    )
}
"""Every answer type, by name, in the order the documentation lists them."""


def of(question: Rules) -> AnswerType:
    """The answer type of ``question``."""
    return TYPES[question.type]


def narrows(old: str, new: str) -> bool:
    """Whether a question moved from type ``old`` to ``new`` now takes fewer of the same answers, as when
    'not applicable' is no longer offered (yes_no_partial_na → yes_no_partial). Every answer it takes now, it
    took before: last year's answer still stands unless it was one of those dropped."""
    before, after = TYPES[old], TYPES[new]
    return (
        old != new
        and before.kind == after.kind == "fixed"
        and bool(before.answers)
        and bool(after.answers)
        and set(after.answers) < set(before.answers)
    )


def schema_description() -> str:
    """The JSON Schema's description of a question's ``type``: every type, with a note where it needs one."""
    names = [f"{t.name} ({t.schema_note})" if t.schema_note else t.name for t in TYPES.values()]
    return f"How it is answered: {listed(names)}."


def fixed_answers() -> dict[str, tuple[str, ...]]:
    """The types that have answers of their own, and those answers."""
    return {t.name: t.answers for t in TYPES.values() if t.answers}


# -- numbers and dates, read and written alike everywhere ------------------------------------------------


def number_range(question: Rules) -> str:
    """'from 0 to 100%', 'from 0 to 30 days': the numbers a question allows, as the collector's messages give them."""
    low = number_text(question.minimum) if question.minimum is not None else "any"
    high = number_text(question.maximum) if question.maximum is not None else "any"
    unit = question.unit
    suffix = unit if unit == "%" else f" {unit}" if unit else ""
    return f"from {low} to {high}{suffix}"


def printed_range(question: Rules) -> str:
    """'from 0 to 100', 'at least 0', 'at most 5', '': the numbers a question allows, beside the printed form's box."""
    low, high = question.minimum, question.maximum
    if low is not None and high is not None:
        return f"from {number_text(low)} to {number_text(high)}"
    if low is not None:
        return f"at least {number_text(low)}"
    if high is not None:
        return f"at most {number_text(high)}"
    return ""


def is_date(value: str) -> bool:
    """Whether ``value`` is a real day written YYYY-MM-DD."""
    if not ISO_DATE.match(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _safe_number(question: Rules) -> float:
    low = question.minimum if question.minimum is not None else 0.0
    high = question.maximum if question.maximum is not None else max(low, 100.0)
    if question.risk_below is not None:
        low = max(low, question.risk_below)
    if question.risk_above is not None:
        high = min(high, question.risk_above)
    value = low + (high - low) * 0.6
    rounded = float(round(value))
    return rounded if low <= rounded <= high else value


def _risky_number(question: Rules) -> float | None:
    if question.risk_below is not None:
        low = question.minimum if question.minimum is not None else question.risk_below - 1
        value = float(round((low + question.risk_below) / 2 - 0.5))
        return value if low <= value < question.risk_below else None
    if question.risk_above is not None:
        high = question.maximum if question.maximum is not None else question.risk_above + 1
        value = float(round((high + question.risk_above) / 2 + 0.5))
        return value if question.risk_above < value <= high else None
    return None
