// What the self-assessment's scripts hand each other through the window: the edition's data
// (written by generator/selfassess/data.py as edition.js) and each script's exports.
export {};

declare global {
  /** A day of the calendar, as the scripts pass dates between them. */
  interface Day { year: number; month: number; day: number }

  /** A question's answer type as the collector and the media know it (generator/answertypes.AnswerType.data). */
  interface AnswerTypeData {
    /** How it is answered and read: one of fixed answers, a number, a date or free text. */
    kind: "fixed" | "number" | "date" | "text";
    /** The site's words for what a practice answers. */
    describe: string;
    /** The workbook's words for how to answer. */
    how: string;
    /** The online form's hint under the question. */
    hint: string;
    /** The collector's message parameter for a number's range ("from 0 to 100%"); "" for other kinds. */
    range: string;
    /** The collector's message parameter for the fixed answers ("yes, partial, no or not applicable"). */
    allowed: string;
  }

  /** One question of the edition (generator/returnformat.question_rule, with the form's additions). */
  interface QuestionData {
    domain_id: string;
    domain_title: string;
    standard_id: string | null;
    question_id: string;
    text: string;
    required: boolean;
    /** The fixed answers a return may give; empty unless the kind is "fixed". */
    answers: string[];
    minimum: number | null;
    maximum: number | null;
    unit: string;
    risk_answers: string[];
    risk_below: number | null;
    risk_above: number | null;
    risk_older_than_months: number | null;
    support: boolean;
    page: string;
    /** The form's id of the question's input. */
    field: string;
    /** The link to the question's guidance. */
    guidance: string;
    /** Each fixed answer's label on the form. */
    labels: Record<string, string>;
    answer_type: AnswerTypeData;
  }

  /** The parts of a question a risk rule reads: what selfassess-rules.js needs and tests give. */
  type RiskRule = Pick<QuestionData, "answers" | "risk_answers" | "risk_below" | "risk_above" |
    "risk_older_than_months"> & { answer_type: Pick<AnswerTypeData, "kind"> };

  /** The parts of a question the collector's reading of an answer needs (selfassess-rules.js: readAnswer). */
  type AnswerRule = Pick<QuestionData, "answers" | "minimum" | "maximum"> & { answer_type: Pick<AnswerTypeData, "kind"> };

  /** window.GPQS_SELFASSESS: the edition as the pages' scripts see it (generator/selfassess/data.form_data). */
  interface EditionData {
    edition: string;
    title: string;
    status: string;
    action_plan_required: boolean;
    questions: QuestionData[];
    domains: Array<{ id: string; title: string; page: string; questions: string[] }>;
    columns: string[];
    action_columns: string[];
    all_columns: string[];
    /** The rest (messages, schema, editions, carry-forward lineage) as the scripts read it. */
    [key: string]: any;
  }

  /** window.GPQS_RULES: the rules every page applies alike (selfassess-rules.js). */
  interface RulesModule {
    casefold(text: string): string;
    pad(value: number, width: number): string;
    realDate(year: number, month: number, day: number): Day | null;
    monthsBefore(day: Day, months: number): Day;
    isoDate(date: Day): string;
    /** A number as the collector takes one: 12, -3, 12.5. */
    NUMBER: RegExp;
    parseIsoDate(text: string): Day | null;
    today(): Day;
    joinWords(words: ArrayLike<string>, last?: string): string;
    flagsRisk(q: RiskRule, answer: string | null | undefined, day: Day): boolean;
    /** 31/12/2025 → 2025-12-31; any other value unchanged. */
    forgivenDate(value: string): string;
    /** An answer as the collector reads it, and its message code when refused. */
    readAnswer(q: AnswerRule, value: string): { value: string; problem: string };
    /** A date question's answer when it has never been done. */
    NEVER: string;
    /** Whether an answer is written as never (never, Never done). */
    isNever(text: string): boolean;
    /** A message template with its {names} filled in. */
    fill(template: string, values: Record<string, unknown>): string;
  }

  interface Window {
    GPQS_SELFASSESS: EditionData;
    GPQS_RULES: RulesModule;
    GPQS: any;
    GPQS_READ: any;
    GPQS_WORKBOOK: any;
    GPQS_CHECK: any;
  }
}
