/* Read a return file in the browser as the ICB's collector reads it (generator/returns/read.py), in its words.

   Bytes → rows, step for step as read.py does it, down to how Python's csv module reads text
   (quoting, line ends) and which JSON it refuses; a value is quoted by rules both sides share,
   so that the "check a return" page (selfassess-check.js) finds exactly what `toolkit collect` finds.
   The words are the collector's own templates (generator/returns/messages.py), from the site build.

   Exposed as window.GPQS_READ. */
(function (window) {
  "use strict";

  var D = window.GPQS_SELFASSESS;
  var RULES = window.GPQS_RULES;
  var M = D.collector_messages;
  var ALL = D.all_columns;
  var REQUIRED_COLUMNS = ["practice_code", "edition", "question_id", "answer"];
  var UPPER_COLUMNS = ["practice_code", "question_id"];
  var FIELD_LIMIT = 131072;
  /** read.MAX_ROWS: a file of more rows (a CSV's records, a sheet's rows, the JSON's answers) is refused unread. */
  var MAX_ROWS = 10000;
  /** read.MAX_JSON_DEPTH: JSON nested deeper than this is no return. */
  var MAX_JSON_DEPTH = 32;

  // --- Python's idea of text --------------------------------------------------------------------

  /** Python's whitespace (str.isspace): JavaScript's, but for U+FEFF, and with U+001C to U+001F and U+0085. */
  var SPACE = "(?:[^\\S\\ufeff]|[\\x1c-\\x1f\\x85])";
  var ONE = new RegExp("^" + SPACE + "$"), RUNS = new RegExp(SPACE + "+", "g");

  /** str.strip(), with Python's whitespace (not JavaScript's). */
  function strip(text) {
    var start = 0, end = text.length;
    while (start < end && ONE.test(text.charAt(start))) { start += 1; }
    while (end > start && ONE.test(text.charAt(end - 1))) { end -= 1; }
    return text.slice(start, end);
  }

  function codePoints(text) { return Array.from(text); }

  // --- the collector's words (generator/returns/messages.py) -----------------------------------------

  function shown(value) {
    var oneLine = strip(value.replace(RUNS, " "));
    var points = codePoints(oneLine);
    return points.length <= M.shown_length ? oneLine : points.slice(0, M.shown_length - 1).join("") + "\u2026";
  }

  function place(format, row, sheet) {
    if (row <= 0) { return ""; }
    var template = M.places[format] || M.places.csv;
    return template.replace("{row}", String(row)).replace("{sheet}", sheet || "");
  }

  /** A problem as messages.problem() makes one: its value shown, its words filled in. */
  function problem(code, severity, where, params) {
    where = where || {};
    var found = {
      code: code,
      severity: severity || "error",
      row: where.row || 0,
      place: where.place || "",
      column: where.column || "",
      value: shown(where.value || ""),
      question_id: where.question_id || "",
      guidance: where.guidance || ""
    };
    found.message = RULES.fill(M.templates[code], Object.assign({}, params, { value: found.value, column: found.column,
      question_id: found.question_id }));
    return found;
  }

  /** One line, as `toolkit collect` prints it: 'C82001.csv row 14, answer: …'; ``places`` replaces the place. */
  function formatProblem(fileName, found, places) {
    var where = [fileName, places === undefined ? found.place : places].filter(function (p) { return p; }).join(" ");
    if (found.column) { where += ", " + found.column; }
    return where + ": " + (found.severity === "warning" ? "warning: " : "") + found.message;
  }

  /** messages.places_text: 'rows 2–10, 14', 'row 5'; '' for the whole return. */
  function placesText(problems) {
    var runs = {};
    var order = [];
    problems.forEach(function (found) {
      if (!found.place || !found.row) { return; }
      var prefix = found.place.slice(0, found.place.length - String(found.row).length);
      if (!Object.prototype.hasOwnProperty.call(runs, prefix)) { runs[prefix] = []; order.push(prefix); }
      var spans = runs[prefix];
      if (spans.length && spans[spans.length - 1][1] === found.row - 1) {
        spans[spans.length - 1][1] = found.row;
      } else {
        spans.push([found.row, found.row]);
      }
    });
    return order.map(function (prefix) {
      var spans = runs[prefix];
      var many = spans.length > 1 || spans[0][0] !== spans[0][1];
      return (many ? prefix.slice(0, -1) + "s " : prefix) + spans.map(function (span) {
        return span[0] === span[1] ? String(span[0]) : span[0] + "\u2013" + span[1];
      }).join(", ");
    }).join("; ");
  }

  /** messages.grouped: problems with the same words in the same column once, with every place they are at. */
  function grouped(problems) {
    var groups = {};
    var order = [];
    problems.forEach(function (found) {
      var key = JSON.stringify([found.severity, found.column, found.message]);
      if (!Object.prototype.hasOwnProperty.call(groups, key)) { groups[key] = []; order.push(key); }
      groups[key].push(found);
    });
    return order.map(function (key) { return [groups[key][0], placesText(groups[key])]; });
  }

  // --- what a file is (read.sniff) --------------------------------------------------------------------

  function startsWith(bytes, magic, at) {
    at = at || 0;
    if (bytes.length < at + magic.length) { return false; }
    for (var i = 0; i < magic.length; i += 1) {
      if (bytes[at + i] !== magic[i]) { return false; }
    }
    return true;
  }

  function isAsciiSpace(byte) { return byte === 32 || (byte >= 9 && byte <= 13); }

  /** A zip file's members from its central directory: name, compression method, sizes and where its local
      header is. Throws an Error when the directory is damaged. */
  function zipMembers(bytes) {
    var view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    var n = bytes.length;
    var eocd = -1;
    for (var i = n - 22, lowest = Math.max(0, n - 22 - 65535); i >= lowest; i -= 1) {
      if (view.getUint32(i, true) === 0x06054b50) { eocd = i; break; }
    }
    if (eocd < 0) { throw new Error("damaged"); }
    var count = view.getUint16(eocd + 10, true);
    var size = view.getUint32(eocd + 12, true);
    var offset = view.getUint32(eocd + 16, true);
    var shift = eocd - size - offset;
    if (shift < 0) { throw new Error("damaged"); }
    var at = offset + shift;
    var found = [];
    for (var e = 0; e < count; e += 1) {
      if (at + 46 > n || view.getUint32(at, true) !== 0x02014b50) {
        throw new Error("damaged");
      }
      var nameLength = view.getUint16(at + 28, true);
      if (at + 46 + nameLength > n) { throw new Error("damaged"); }
      var name = "";
      for (var k = 0; k < nameLength; k += 1) { name += String.fromCharCode(bytes[at + 46 + k]); }
      found.push({
        name: name,
        method: view.getUint16(at + 10, true),
        compressed: view.getUint32(at + 20, true),
        size: view.getUint32(at + 24, true),
        header: view.getUint32(at + 42, true) + shift
      });
      at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    }
    return found;
  }

  function zipKind(bytes) {
    var names;
    try {
      names = zipMembers(bytes).map(function (m) { return m.name; });
    } catch (error) {
      return "workbook";  // a damaged zip: most likely a workbook, and reading it says so
    }
    if (names.indexOf("xl/workbook.xml") >= 0) { return "workbook"; }
    if (names.indexOf("word/document.xml") >= 0) { return "word"; }
    if (names.some(function (name) { return name.indexOf("ppt/") === 0; })) { return "presentation"; }
    if (names.indexOf("mimetype") >= 0 && names.indexOf("content.xml") >= 0) { return "opendocument"; }
    return "zip";
  }

  function sniff(bytes) {
    if (!Array.prototype.some.call(bytes, function (b) { return !isAsciiSpace(b); })) { return "empty"; }
    if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) {
      return zipKind(bytes);
    }
    var known = D.signatures.filter(function (signature) {  // read.SIGNATURES: each kind's bytes at their offsets
      return signature[0].every(function (part) { return startsWith(bytes, part[1], part[0]); });
    })[0];
    if (known) { return known[1]; }
    if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) { return "text"; }
    var head = bytes.subarray(0, 4096);
    var controls = 0;
    for (var j = 0; j < head.length; j += 1) {
      var b = head[j];
      if (b === 0) { return "binary"; }
      if ((b < 32 && b !== 9 && b !== 10 && b !== 12 && b !== 13) || b === 127) { controls += 1; }
    }
    return controls > Math.floor(head.length / 100) ? "binary" : "text";
  }

  // --- bytes → text (read.decode) ---------------------------------------------------------------------

  var CP1252_UNDEFINED = [0x81, 0x8d, 0x8f, 0x90, 0x9d];

  /** read.decode: UTF-16 by its mark, UTF-8 (with or without one), else Windows-1252; null when none reads it. */
  function decode(bytes) {
    var utf16 = startsWith(bytes, [0xff, 0xfe]) ? "utf-16le" : (startsWith(bytes, [0xfe, 0xff]) ? "utf-16be" : "");
    var skip = utf16 ? 2 : (startsWith(bytes, [0xef, 0xbb, 0xbf]) ? 3 : 0);
    try {
      return new TextDecoder(utf16 || "utf-8", { fatal: true, ignoreBOM: true }).decode(bytes.subarray(skip));
    } catch (error) {
      if (utf16 || Array.prototype.some.call(bytes, function (b) { return CP1252_UNDEFINED.indexOf(b) >= 0; })) {
        return null;
      }
      return new TextDecoder("windows-1252").decode(bytes);
    }
  }

  function looksLike(text, starts) {
    var head = strip(text).slice(0, 20).toLowerCase();
    return starts.some(function (s) { return head.indexOf(s) === 0; });
  }

  // --- CSV records, as Python's csv module reads them ----------------------------------------------------

  var START_RECORD = 0, START_FIELD = 1, IN_FIELD = 2, IN_QUOTES = 3, AFTER_QUOTE = 4;

  /** Records as read.read_csv gets them from csv.reader(io.StringIO(text, newline=""), delimiter, strict=False):
      a quote opens a quoted cell only at a cell's start, two quotes in one are a quote and what follows its
      closing quote is kept; CR, LF or CRLF end a record outside quotes, a blank line is an empty record.
      {error} for a cell longer than the csv module takes (131,072 characters). */
  function readCsvRecords(text, delimiter) {
    var records = [], fields = [], field = "", size = 0, state = START_RECORD, afterCr = false;
    function save() { fields.push(field); field = ""; size = 0; }
    function add(ch) {
      if (size >= FIELD_LIMIT) { throw new Error("a cell is too long"); }
      field += ch;
      size += 1;
    }
    try {
      for (var ch of text) {
        var cr = afterCr;
        afterCr = false;
        if (state === IN_QUOTES) {
          if (ch === "\"") { state = AFTER_QUOTE; } else { add(ch); }
        } else if (ch === "\r" || ch === "\n") {
          if (ch === "\n" && cr) { continue; }  // the LF of a CRLF that ended the record
          if (state !== START_RECORD) { save(); }
          records.push(fields);
          if (records.length > MAX_ROWS) { return { records: records }; }  // read no further: too many rows
          fields = [];
          state = START_RECORD;
          afterCr = ch === "\r";
        } else if (ch === delimiter) {
          save();
          state = START_FIELD;
        } else if (ch === "\"" && (state === START_RECORD || state === START_FIELD || state === AFTER_QUOTE)) {
          if (state === AFTER_QUOTE) { add(ch); }
          state = IN_QUOTES;
        } else {
          add(ch);
          state = IN_FIELD;
        }
      }
    } catch (error) {
      return { error: error.message };
    }
    if (state !== START_RECORD) {
      save();
      records.push(fields);
    }
    return { records: records };
  }

  // --- JSON: the browser's own parser, each number as it is written, as the collector reads it -------------------

  /** JSON text → its value, each number as its text; null when it is no JSON. The browser tells a number's own
      digits (JSON.parse's source text); one too old to tell gives it as JavaScript writes it. */
  function parseJson(text) {
    var data;
    try {
      data = JSON.parse(text, function (key, value, context) {
        if (typeof value !== "number") { return value; }
        return context && typeof context.source === "string" ? context.source : String(value);
      });
    } catch (error) {
      return null;
    }
    return data === null || nesting(data) > MAX_JSON_DEPTH ? null : data;
  }

  /** read._nesting: how deep lists and objects nest in a value, looked at no deeper than the limit. */
  function nesting(value) {
    var most = 0, stack = [[value, 1]];
    while (stack.length && most <= MAX_JSON_DEPTH) {
      var top = stack.pop(), item = top[0], depth = top[1];
      if (Array.isArray(item) || isMapping(item)) {
        most = Math.max(most, depth);
        Object.keys(item).forEach(function (k) { stack.push([item[k], depth + 1]); });
      }
    }
    return most;
  }

  function isMapping(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  function has(value, key) { return Object.prototype.hasOwnProperty.call(value, key); }

  /** read.cell_text: a JSON value (a number already its text) as the text a CSV file would hold. */
  function cellText(value) {
    if (value === undefined || value === null) { return ""; }
    if (typeof value === "boolean") { return value ? "yes" : "no"; }
    return validText(String(value));
  }

  /** returns/text.valid_text: each NUL and lone surrogate written out as its escape ('\\x00', '\\ud800'; a byte
      that was no UTF-8 as '\\xe9'), so that the page shows what the collector shows. */
  function validText(text) {
    // eslint-disable-next-line no-control-regex -- the NUL is what is looked for
    return text.replace(/\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, function (c) {
      var code = c.charCodeAt(0);
      if (code === 0) { return "\\x00"; }
      return code >= 0xdc80 && code <= 0xdcff ? "\\x" + (code - 0xdc00).toString(16) : "\\u" + code.toString(16);
    });
  }

  /** read._json_text: a value given once for the whole return; a list or a set of names is no text. */
  function jsonText(value) {
    return Array.isArray(value) || isMapping(value) ? "" : cellText(value);
  }

  // --- rows (read.py) -----------------------------------------------------------------------------------

  function columnName(label) {
    return strip(label.replace(/\ufeff/g, "")).toLowerCase().replace(new RegExp("(?:" + SPACE + "|-)+", "g"), "_");
  }

  function normalRow(values) {
    var row = {};
    ALL.forEach(function (name) { row[name] = strip(values[name] || ""); });
    UPPER_COLUMNS.forEach(function (name) { row[name] = row[name].toUpperCase(); });
    row.action_due = RULES.forgivenDate(row.action_due);
    return row;
  }

  function newRead(format) {
    return {
      format: format, rows: [], problems: [], present: ALL.slice(), edition: "", practice_code: "",
      declared_once: false, extra: {}
    };
  }

  /** A file refused as a whole: nothing read from it, one problem of the collector's (`code`). */
  function refused(code, params, where) {
    var found = newRead("unknown");
    found.problems.push(problem(code, "error", where, params || {}));
    return found;
  }

  function tooManyRows() { return refused("too_many_rows", { rows: "10,000" }); }

  function notAReturn(kind) { return refused("not_a_return", { what: M.file_kinds[kind] }); }

  function readTable(format, records, sheet) {
    sheet = sheet || "";
    var index = records.findIndex(function (record) { return record[1].some(function (c) { return strip(c) !== ""; }); });
    if (index < 0) { return notAReturn("empty"); }
    var header = records[index][1];
    index += 1;
    var names = header.map(columnName);
    var found = newRead(format);
    if (!names.some(function (n) { return ALL.indexOf(n) >= 0; })) {
      return refused("no_header", { columns: ALL.join(",") }, { value: header.join(",") });
    }
    var positions = {};
    names.forEach(function (name, i) {
      if (!name) { return; }
      if (Object.prototype.hasOwnProperty.call(positions, name)) {
        found.problems.push(problem("duplicate_column", "error", { column: name }, {}));
      } else if (ALL.indexOf(name) >= 0) {
        positions[name] = i;
      } else {
        found.problems.push(problem("unknown_column", "warning", { column: strip(header[i]) }, { columns: ALL.join(",") }));
      }
    });
    REQUIRED_COLUMNS.forEach(function (name) {
      if (!Object.prototype.hasOwnProperty.call(positions, name)) {
        found.problems.push(problem("missing_column", "error", { column: name }, { columns: ALL.join(",") }));
      }
    });
    found.present = Object.keys(positions);
    var ignored = names.map(function (name, i) { return name ? -1 : i; }).filter(function (i) { return i >= 0; });
    for (; index < records.length; index += 1) {
      var number = records[index][0];
      var line = records[index][1];
      if (!line.some(function (c) { return strip(c) !== ""; })) { continue; }
      var extra = line.slice(names.length).map(strip).concat(ignored.filter(function (i) {
        return i < line.length;
      }).map(function (i) { return strip(line[i]); }));
      if (extra.some(function (e) { return e; })) {
        found.problems.push(problem("extra_cells", "error", {
          row: number, place: place(format, number, sheet), value: extra.filter(function (e) { return e; }).join(",")
        }, {}));
      }
      var values = {};
      Object.keys(positions).forEach(function (name) {
        if (positions[name] < line.length) { values[name] = line[positions[name]]; }
      });
      found.rows.push({ row: number, values: normalRow(values), sheet: sheet });
    }
    if (!found.rows.length) { found.problems.push(problem("no_answers", "error", {}, {})); }
    return found;
  }

  function readCsv(text) {
    var firstLine = text.replace(/^[\r\n]+/, "").split("\n")[0];
    var delimiter = ",";
    if (firstLine.indexOf(",") < 0) {
      delimiter = firstLine.indexOf(";") >= 0 ? ";" : (firstLine.indexOf("\t") >= 0 ? "\t" : ",");
    }
    var parsed = readCsvRecords(text, delimiter);
    if (parsed.error) { return refused("csv_unreadable"); }
    if (parsed.records.length > MAX_ROWS) { return tooManyRows(); }
    return readTable("csv", parsed.records.map(function (cells, i) { return [i + 1, cells]; }));
  }

  function readJson(text) {
    var found = newRead("json");
    found.declared_once = true;
    var data = parseJson(text);
    if (data === null) { return refused("json_invalid"); }
    if (!isMapping(data) || !has(data, "format") || data.format !== D.format) {
      var declared = isMapping(data) ? jsonText(data.format) : "";
      return refused("json_not_ours", { format: D.format }, { value: declared || "(none)" });
    }
    if (!has(data, "answers") || !Array.isArray(data.answers)) {
      found.problems.push(problem("json_damaged", "error", {}, { reason: "it has no list of 'answers'" }));
      return found;
    }
    if (data.answers.length > MAX_ROWS) { return tooManyRows(); }
    Object.keys(data).forEach(function (key) {
      if (["format", "edition", "practice_code", "answers"].indexOf(key) < 0) { found.extra[key] = data[key]; }
    });
    var edition = jsonText(data.edition), practiceCode = jsonText(data.practice_code);
    found.edition = strip(edition);
    found.practice_code = strip(practiceCode).toUpperCase();
    data.answers.forEach(function (item, i) {
      var number = i + 1;
      if (!isMapping(item) || Object.keys(item).some(function (k) {
        return Array.isArray(item[k]) || isMapping(item[k]);
      })) {
        found.problems.push(problem("json_damaged", "error", { row: number, place: place("json", number) },
          { reason: "this answer is not a set of names and values" }));
        return;
      }
      var values = {};
      ALL.forEach(function (name) { values[name] = has(item, name) ? cellText(item[name]) : ""; });
      if (!has(item, "practice_code")) { values.practice_code = practiceCode; }
      if (!has(item, "edition")) { values.edition = edition; }
      var row = normalRow(values);
      if (ALL.slice(2).some(function (c) { return row[c]; })) {  // anything but the practice and edition
        found.rows.push({ row: number, values: row, sheet: "" });
      }
    });
    if (!found.rows.length && !found.problems.length) { found.problems.push(problem("no_answers", "error", {}, {})); }
    return found;
  }

  /** read.read_return: any file's bytes → a promise of what the collector reads from it, whatever the format; a
      workbook is unzipped by the browser (selfassess-workbook.js), which answers later. */
  function readFile(bytes) {
    var kind = sniff(bytes);
    return kind === "workbook" ? window.GPQS_WORKBOOK.read(bytes) : Promise.resolve(readText(bytes, kind));
  }

  function readText(bytes, kind) {
    if (Object.prototype.hasOwnProperty.call(M.file_kinds, kind)) { return notAReturn(kind); }
    var text = decode(bytes);
    if (text === null) { return refused("text_unreadable"); }
    if (looksLike(text, ["from:", "received:", "return-path:", "mime-version:", "delivered-to:"])) {
      return notAReturn("email");
    }
    if (looksLike(text, ["<!doctype html", "<html"])) { return notAReturn("html"); }
    var first = strip(text).charAt(0);
    if (first === "{" || first === "[") { return readJson(text); }
    return readCsv(text);
  }

  window.GPQS_READ = {
    M: M,
    readFile: readFile,
    readTable: readTable,
    newRead: newRead,
    refused: refused,
    MAX_ROWS: MAX_ROWS,
    tooManyRows: tooManyRows,
    zipMembers: zipMembers,
    normalRow: normalRow,
    strip: strip,
    problem: problem,
    place: place,
    formatProblem: formatProblem,
    grouped: grouped,
    codePoints: codePoints,
    readCsvRecords: readCsvRecords,
    parseJson: parseJson,
    cellText: cellText
  };
}(window));
