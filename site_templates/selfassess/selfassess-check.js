/* Check a return file in the browser, as `toolkit collect` checks it, in the collector's own words.

   This mirrors generator/returns/read.py (bytes → rows) and generator/returns/validate.py
   (rows → problems) step for step, down to how Python's csv and json modules read text, so
   that a practice sees here exactly the problems the ICB's collector would report. The rules
   are not copied: the edition's Table Schema, its questions and the collector's message
   templates come from the site build (window.GPQS_SELFASSESS), the same sources the
   collector reads. Nothing leaves the computer: the file is read by this page alone.

   Exposed as window.GPQS_CHECK for the page below and for tests. */
(function (window, document) {
  "use strict";

  var D = window.GPQS_SELFASSESS;
  var M = D.collector_messages;
  var ALL = D.all_columns;
  var REQUIRED_COLUMNS = ["practice_code", "edition", "question_id", "answer"];
  var UPPER_COLUMNS = ["practice_code", "question_id"];
  var FIELD_LIMIT = 131072;

  // --- Python's idea of text --------------------------------------------------------------------

  var PY_SPACE = "\t\n\u000b\u000c\r\u001c\u001d\u001e\u001f \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004" +
    "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000";

  function isSpace(ch) { return ch !== "" && PY_SPACE.indexOf(ch) >= 0; }

  /** str.strip(), str.lstrip() with Python's whitespace (not JavaScript's). */
  function strip(text) {
    var start = 0, end = text.length;
    while (start < end && isSpace(text.charAt(start))) { start += 1; }
    while (end > start && isSpace(text.charAt(end - 1))) { end -= 1; }
    return text.slice(start, end);
  }

  function lstrip(text, chars) {
    var start = 0;
    while (start < text.length && (chars ? chars.indexOf(text.charAt(start)) >= 0 : isSpace(text.charAt(start)))) {
      start += 1;
    }
    return text.slice(start);
  }

  /** str.split() with no separator: runs of whitespace, no empty parts. */
  function splitWords(text) {
    var words = [];
    var word = "";
    for (var i = 0; i < text.length; i += 1) {
      var ch = text.charAt(i);
      if (isSpace(ch)) {
        if (word) { words.push(word); word = ""; }
      } else {
        word += ch;
      }
    }
    if (word) { words.push(word); }
    return words;
  }

  function codePoints(text) { return Array.from(text); }

  function casefold(text) { return text.toLowerCase().replace(/\u00df/g, "ss").replace(/\u03c2/g, "\u03c3"); }

  // --- the collector's words (generator/returns/messages.py) -----------------------------------------

  function joinWords(words, last) {
    var items = Array.prototype.slice.call(words);
    if (items.length <= 1) { return items.join(""); }
    return items.slice(0, -1).join(", ") + " " + (last || "or") + " " + items[items.length - 1];
  }

  function shown(value) {
    var oneLine = splitWords(value).join(" ");
    var points = codePoints(oneLine);
    return points.length <= M.shown_length ? oneLine : points.slice(0, M.shown_length - 1).join("") + "\u2026";
  }

  function place(format, row, sheet) {
    if (row <= 0) { return ""; }
    var template = M.places[format] || M.places.csv;
    return template.replace("{row}", String(row)).replace("{sheet}", sheet || "");
  }

  function render(code, params) {
    return M.templates[code].replace(/\{([a-z_]+)\}/g, function (whole, name) {
      if (!Object.prototype.hasOwnProperty.call(params, name)) {
        throw new Error("message " + code + " needs " + name);
      }
      return String(params[name]);
    });
  }

  /** A problem as messages.problem() makes one: its value shown, its words filled in. */
  function problem(code, severity, where, params) {
    where = where || {};
    var all = {};
    Object.keys(params || {}).forEach(function (k) { all[k] = params[k]; });
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
    all.value = found.value;
    all.column = found.column;
    all.question_id = found.question_id;
    found.message = render(code, all);
    return found;
  }

  /** One line, as `toolkit collect` prints it: 'C82001.csv row 14, answer: …'. */
  function formatProblem(fileName, found) {
    var where = [fileName, found.place].filter(function (p) { return p; }).join(" ");
    if (found.column) { where += ", " + found.column; }
    return where + ": " + (found.severity === "warning" ? "warning: " : "") + found.message;
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

  function ascii(text) {
    var out = [];
    for (var i = 0; i < text.length; i += 1) { out.push(text.charCodeAt(i)); }
    return out;
  }

  var MAGIC = [
    [ascii("%PDF"), "pdf"],
    [[0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], "old_office"],
    [[0x89, 0x50, 0x4e, 0x47], "image"],
    [[0xff, 0xd8, 0xff], "image"],
    [ascii("GIF87a"), "image"],
    [ascii("GIF89a"), "image"],
    [[0x49, 0x49, 0x2a, 0x00], "image"],
    [[0x4d, 0x4d, 0x00, 0x2a], "image"],
    [ascii("{\\rtf"), "rtf"]
  ];

  function isAsciiSpace(byte) { return byte === 32 || (byte >= 9 && byte <= 13); }

  /** The names in a zip file's central directory, or null when Python's zipfile would call it damaged. */
  function zipNames(bytes) {
    var view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    var n = bytes.length;
    if (n < 22) { return null; }
    var eocd = -1;
    var lowest = Math.max(0, n - 22 - 65535);
    for (var i = n - 22; i >= lowest; i -= 1) {
      if (view.getUint32(i, true) === 0x06054b50) { eocd = i; break; }
    }
    if (eocd < 0) { return null; }
    var count = view.getUint16(eocd + 10, true);
    var size = view.getUint32(eocd + 12, true);
    var offset = view.getUint32(eocd + 16, true);
    var concat = eocd - size - offset;
    if (concat < 0) { return null; }
    var at = offset + concat;
    var names = [];
    for (var e = 0; e < count; e += 1) {
      if (at + 46 > n || view.getUint32(at, true) !== 0x02014b50) { return null; }
      var nameLength = view.getUint16(at + 28, true);
      var extra = view.getUint16(at + 30, true);
      var comment = view.getUint16(at + 32, true);
      if (at + 46 + nameLength > n) { return null; }
      var name = "";
      for (var k = 0; k < nameLength; k += 1) { name += String.fromCharCode(bytes[at + 46 + k]); }
      names.push(name);
      at += 46 + nameLength + extra + comment;
    }
    return names;
  }

  function zipKind(bytes) {
    var names = zipNames(bytes);
    if (names === null) { return "zip"; }
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
    for (var i = 0; i < MAGIC.length; i += 1) {
      if (startsWith(bytes, MAGIC[i][0])) { return MAGIC[i][1]; }
    }
    if ((startsWith(bytes, ascii("BM")) && startsWith(bytes, [0, 0, 0, 0], 6)) ||
      startsWith(bytes, ascii("ftypheic"), 4) || startsWith(bytes, ascii("ftypmif1"), 4) ||
      (startsWith(bytes, ascii("RIFF")) && startsWith(bytes, ascii("WEBP"), 8))) {
      return "image";
    }
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

  function decode(bytes) {
    try {
      if (startsWith(bytes, [0xff, 0xfe])) {
        return new TextDecoder("utf-16le", { fatal: true, ignoreBOM: true }).decode(bytes.subarray(2));
      }
      if (startsWith(bytes, [0xfe, 0xff])) {
        return new TextDecoder("utf-16be", { fatal: true, ignoreBOM: true }).decode(bytes.subarray(2));
      }
    } catch (error) {
      return null;
    }
    try {
      var skip = startsWith(bytes, [0xef, 0xbb, 0xbf]) ? 3 : 0;
      return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes.subarray(skip));
    } catch (error) {
      for (var i = 0; i < bytes.length; i += 1) {
        if (CP1252_UNDEFINED.indexOf(bytes[i]) >= 0) { return null; }
      }
      return new TextDecoder("windows-1252").decode(bytes);
    }
  }

  function looksLike(text, starts) {
    var head = lstrip(text).slice(0, 20).toLowerCase();
    return starts.some(function (s) { return head.indexOf(s) === 0; });
  }

  // --- Python's csv.reader(strict=False) ---------------------------------------------------------------

  var START_RECORD = 0, START_FIELD = 1, IN_FIELD = 2, IN_QUOTED_FIELD = 3, QUOTE_IN_QUOTED_FIELD = 4,
    EAT_CRNL = 5;
  var EOL = null;

  /** The lines io.StringIO(text, newline="") gives: each ends at \n, \r\n or \r, which it keeps. */
  function pyLines(text) {
    var lines = [];
    var start = 0;
    for (var i = 0; i < text.length; i += 1) {
      var ch = text.charAt(i);
      if (ch === "\n" || ch === "\r") {
        if (ch === "\r" && text.charAt(i + 1) === "\n") { i += 1; }
        lines.push(text.slice(start, i + 1));
        start = i + 1;
      }
    }
    if (start < text.length) { lines.push(text.slice(start)); }
    return lines;
  }

  /** Records as CPython's csv module reads them with the excel dialect, or {error}. */
  function readCsvRecords(text, delimiter) {
    var records = [];
    var fields = [];
    var field = [];
    var state = START_RECORD;

    function save() { fields.push(field.join("")); field = []; }
    function add(ch) {
      if (field.length >= FIELD_LIMIT) { throw new Error("field larger than field limit (" + FIELD_LIMIT + ")"); }
      field.push(ch);
    }
    function step(c) {
      var newline = c === "\n" || c === "\r";
      switch (state) {
        case START_RECORD:
          if (c === EOL) { return; }
          if (newline) { state = EAT_CRNL; return; }
          state = START_FIELD;
          step(c);
          return;
        case START_FIELD:
          if (newline || c === EOL) { save(); state = c === EOL ? START_RECORD : EAT_CRNL; } else if (c === "\"") {
            state = IN_QUOTED_FIELD;
          } else if (c === delimiter) { save(); } else { add(c); state = IN_FIELD; }
          return;
        case IN_FIELD:
          if (newline || c === EOL) { save(); state = c === EOL ? START_RECORD : EAT_CRNL; } else if (c === delimiter) {
            save(); state = START_FIELD;
          } else { add(c); }
          return;
        case IN_QUOTED_FIELD:
          if (c === EOL) { return; }
          if (c === "\"") { state = QUOTE_IN_QUOTED_FIELD; } else { add(c); }
          return;
        case QUOTE_IN_QUOTED_FIELD:
          if (c === "\"") { add(c); state = IN_QUOTED_FIELD; } else if (c === delimiter) {
            save(); state = START_FIELD;
          } else if (newline || c === EOL) { save(); state = c === EOL ? START_RECORD : EAT_CRNL; } else {
            add(c); state = IN_FIELD;
          }
          return;
        case EAT_CRNL:
          if (newline) { return; }
          if (c === EOL) { state = START_RECORD; return; }
          throw new Error("new-line character seen in unquoted field - do you need to open the file with newline=''?");
        default:
          return;
      }
    }

    try {
      pyLines(text).forEach(function (line) {
        for (var ch of line) { step(ch); }
        step(EOL);
        if (state === START_RECORD) {
          records.push(fields);
          fields = [];
        }
      });
      if (field.length !== 0 || state === IN_QUOTED_FIELD) {
        save();
        records.push(fields);
      }
    } catch (error) {
      return { error: error.message };
    }
    return { records: records };
  }

  // --- Python's json.loads, down to where it says a document is wrong ---------------------------------------

  function JsonError(message, pos) { this.message = message; this.pos = pos; }

  var JSON_SPACE = " \t\n\r";
  var NUMBER_RE = /^(-?(?:0|[1-9]\d*))(\.\d+)?([eE][-+]?\d+)?/;
  var ESCAPES = { "\"": "\"", "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

  /** A JSON value as Python holds it: {t: 'dict'|'list'|'str'|'int'|'float'|'bool'|'none', v}. */
  function pyJsonLoads(s) {
    function ws(i) {
      while (i < s.length && JSON_SPACE.indexOf(s.charAt(i)) >= 0) { i += 1; }
      return i;
    }
    function scanString(end) {
      var begin = end - 1;
      var chunks = [];
      for (;;) {
        var i = end;
        while (i < s.length) {
          var code = s.charCodeAt(i);
          if (code === 34 || code === 92 || code < 32) { break; }
          i += 1;
        }
        if (i >= s.length) { throw new JsonError("Unterminated string starting at", begin); }
        chunks.push(s.slice(end, i));
        var terminator = s.charAt(i);
        end = i + 1;
        if (terminator === "\"") { break; }
        if (terminator !== "\\") { throw new JsonError("Invalid control character at", i); }
        if (end >= s.length) { throw new JsonError("Unterminated string starting at", begin); }
        var esc = s.charAt(end);
        if (esc !== "u") {
          if (!Object.prototype.hasOwnProperty.call(ESCAPES, esc)) { throw new JsonError("Invalid \\escape", end - 1); }
          chunks.push(ESCAPES[esc]);
          end += 1;
        } else {
          var hex = s.slice(end + 1, end + 5);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) { throw new JsonError("Invalid \\uXXXX escape", end); }
          var unit = parseInt(hex, 16);
          end += 5;
          if (unit >= 0xd800 && unit <= 0xdbff && s.slice(end, end + 2) === "\\u") {
            var hex2 = s.slice(end + 2, end + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex2)) { throw new JsonError("Invalid \\uXXXX escape", end + 1); }
            var low = parseInt(hex2, 16);
            if (low >= 0xdc00 && low <= 0xdfff) {
              chunks.push(String.fromCharCode(unit, low));
              end += 6;
              continue;
            }
          }
          chunks.push(String.fromCharCode(unit));
        }
      }
      return [{ t: "str", v: chunks.join("") }, end];
    }
    function scanOnce(idx) {
      if (idx >= s.length) { throw new JsonError("Expecting value", idx); }
      var ch = s.charAt(idx);
      if (ch === "\"") { return scanString(idx + 1); }
      if (ch === "{") { return parseObject(idx + 1); }
      if (ch === "[") { return parseArray(idx + 1); }
      if (ch === "n" && s.slice(idx, idx + 4) === "null") { return [{ t: "none" }, idx + 4]; }
      if (ch === "t" && s.slice(idx, idx + 4) === "true") { return [{ t: "bool", v: true }, idx + 4]; }
      if (ch === "f" && s.slice(idx, idx + 5) === "false") { return [{ t: "bool", v: false }, idx + 5]; }
      var m = NUMBER_RE.exec(s.slice(idx));
      if (m) {
        var end = idx + m[0].length;
        if (!m[2] && !m[3]) { return [{ t: "int", v: BigInt(m[1]) }, end]; }
        return [{ t: "float", v: Number(m[0]) }, end];
      }
      if (ch === "N" && s.slice(idx, idx + 3) === "NaN") { return [{ t: "float", v: NaN }, idx + 3]; }
      if (ch === "I" && s.slice(idx, idx + 8) === "Infinity") { return [{ t: "float", v: Infinity }, idx + 8]; }
      if (ch === "-" && s.slice(idx, idx + 9) === "-Infinity") { return [{ t: "float", v: -Infinity }, idx + 9]; }
      throw new JsonError("Expecting value", idx);
    }
    function parseObject(end) {
      var pairs = [];
      var next = s.charAt(end);
      if (next !== "\"") {
        if (JSON_SPACE.indexOf(next) >= 0 && next !== "") { end = ws(end); next = s.charAt(end); }
        if (next === "}") { return [{ t: "dict", v: pairs }, end + 1]; }
        if (next !== "\"") { throw new JsonError("Expecting property name enclosed in double quotes", end); }
      }
      end += 1;
      for (;;) {
        var keyed = scanString(end);
        var key = keyed[0].v;
        end = keyed[1];
        if (s.charAt(end) !== ":") {
          end = ws(end);
          if (s.charAt(end) !== ":") { throw new JsonError("Expecting ':' delimiter", end); }
        }
        end = ws(end + 1);
        var valued;
        try {
          valued = scanOnce(end);
        } catch (error) {
          if (error instanceof JsonError && error.message === "Expecting value") { throw new JsonError("Expecting value", error.pos); }
          throw error;
        }
        pairs.push([key, valued[0]]);
        end = ws(valued[1]);
        next = s.charAt(end);
        end += 1;
        if (next === "}") { break; }
        if (next !== ",") { throw new JsonError("Expecting ',' delimiter", end - 1); }
        end = ws(end);
        next = s.charAt(end);
        end += 1;
        if (next !== "\"") { throw new JsonError("Expecting property name enclosed in double quotes", end - 1); }
      }
      return [{ t: "dict", v: pairs }, end];
    }
    function parseArray(end) {
      var values = [];
      var next = s.charAt(end);
      if (JSON_SPACE.indexOf(next) >= 0 && next !== "") { end = ws(end); next = s.charAt(end); }
      if (next === "]") { return [{ t: "list", v: values }, end + 1]; }
      for (;;) {
        var valued = scanOnce(end);
        values.push(valued[0]);
        end = ws(valued[1]);
        next = s.charAt(end);
        end += 1;
        if (next === "]") { break; }
        if (next !== ",") { throw new JsonError("Expecting ',' delimiter", end - 1); }
        end = ws(end);
      }
      return [{ t: "list", v: values }, end];
    }
    if (s.charAt(0) === "\ufeff") { throw new JsonError("Unexpected UTF-8 BOM (decode using utf-8-sig)", 0); }
    var result = scanOnce(ws(0));
    var after = ws(result[1]);
    if (after !== s.length) { throw new JsonError("Extra data", after); }
    return result[0];
  }

  function jsonErrorPlace(text, pos) {
    var before = text.slice(0, pos);
    var line = before.split("\n").length;
    var column = pos - before.lastIndexOf("\n");
    return "line " + line + ", column " + column;
  }

  function dictGet(value, key) {
    if (!value || value.t !== "dict") { return undefined; }
    var found;
    value.v.forEach(function (pair) { if (pair[0] === key) { found = pair[1]; } });
    return found;
  }

  function dictHas(value, key) { return dictGet(value, key) !== undefined; }

  /** Python's repr() of a float. */
  function floatRepr(x) {
    if (x !== x) { return "nan"; }
    if (x === Infinity) { return "inf"; }
    if (x === -Infinity) { return "-inf"; }
    var exponential = x.toExponential();
    var parts = exponential.split("e");
    var exponent = Number(parts[1]);
    if (exponent < -4 || exponent >= 16) {
      var digits = parts[0];
      var sign = exponent < 0 ? "-" : "+";
      var size = String(Math.abs(exponent));
      return digits + "e" + sign + (size.length < 2 ? "0" + size : size);
    }
    var text = String(x);
    return /[.e]/.test(text) ? text : text + ".0";
  }

  function strRepr(text) {
    var quote = text.indexOf("'") >= 0 && text.indexOf("\"") < 0 ? "\"" : "'";
    var out = quote;
    for (var ch of text) {
      var code = ch.codePointAt(0);
      if (ch === quote || ch === "\\") { out += "\\" + ch; } else if (ch === "\n") { out += "\\n"; } else if (ch === "\r") {
        out += "\\r";
      } else if (ch === "\t") { out += "\\t"; } else if (ch !== " " && /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Z}]/u.test(ch)) {
        var hex = code.toString(16);
        out += code < 0x100 ? "\\x" + ("0" + hex).slice(-2) :
          code < 0x10000 ? "\\u" + ("000" + hex).slice(-4) : "\\U" + ("0000000" + hex).slice(-8);
      } else { out += ch; }
    }
    return out + quote;
  }

  /** Python's str() of a JSON value (repr() inside lists and dicts). */
  function pyStr(value, inner) {
    switch (value.t) {
      case "none": return "None";
      case "bool": return value.v ? "True" : "False";
      case "int": return value.v.toString();
      case "float": return floatRepr(value.v);
      case "str": return inner ? strRepr(value.v) : value.v;
      case "list": return "[" + value.v.map(function (v) { return pyStr(v, true); }).join(", ") + "]";
      default:
        return "{" + value.v.map(function (pair) {
          return strRepr(pair[0]) + ": " + pyStr(pair[1], true);
        }).join(", ") + "}";
    }
  }

  /** read.cell_text: a JSON value as the text a CSV file would hold. */
  function cellText(value) {
    if (value === undefined || value.t === "none") { return ""; }
    if (value.t === "bool") { return value.v ? "yes" : "no"; }
    if (value.t === "float" && Number.isFinite(value.v) && Number.isInteger(value.v)) {
      return BigInt(value.v).toString();
    }
    return pyStr(value, false);
  }

  // --- rows (read.py) -----------------------------------------------------------------------------------

  var UK_DATE = /^([0-9]{1,2})\/([0-9]{1,2})\/([0-9]{4})$/;

  function realDate(year, month, day) {
    if (!(year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1)) { return false; }
    return day <= new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !leap(year) ? 1 : 0);
  }

  function leap(year) { return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0; }

  function pad(n, width) {
    var text = String(n);
    while (text.length < width) { text = "0" + text; }
    return text;
  }

  function isoDate(value) {
    var m = UK_DATE.exec(value);
    if (!m) { return value; }
    var day = Number(m[1]), month = Number(m[2]), year = Number(m[3]);
    return realDate(year, month, day) ? pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) : value;
  }

  function columnName(label) {
    var text = strip(label.replace(/\ufeff/g, "")).toLowerCase();
    var out = "";
    var inRun = false;
    for (var i = 0; i < text.length; i += 1) {
      var ch = text.charAt(i);
      if (isSpace(ch) || ch === "-") {
        if (!inRun) { out += "_"; inRun = true; }
      } else {
        out += ch;
        inRun = false;
      }
    }
    return out;
  }

  function normalRow(values) {
    var row = {};
    ALL.forEach(function (name) { row[name] = strip(values[name] || ""); });
    UPPER_COLUMNS.forEach(function (name) { row[name] = row[name].toUpperCase(); });
    row.action_due = isoDate(row.action_due);
    return row;
  }

  function newRead(format) {
    return {
      format: format, rows: [], problems: [], present: ALL.slice(), edition: "", practice_code: "",
      declared_once: false
    };
  }

  function notAReturn(kind) {
    var found = newRead("unknown");
    found.problems.push(problem("not_a_return", "error", {}, { what: M.file_kinds[kind] }));
    return found;
  }

  function readTable(format, records) {
    var index = 0;
    var header = null;
    while (index < records.length) {
      var cells = records[index][1];
      index += 1;
      if (cells.some(function (c) { return strip(c) !== ""; })) { header = cells; break; }
    }
    if (header === null) { return notAReturn("empty"); }
    var names = header.map(columnName);
    var found = newRead(format);
    if (!names.some(function (n) { return ALL.indexOf(n) >= 0; })) {
      found.format = "unknown";
      found.problems.push(problem("no_header", "error", { value: header.join(",") }, { columns: ALL.join(",") }));
      return found;
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
    var ignored = [];
    names.forEach(function (name, i) { if (!name) { ignored.push(i); } });
    for (; index < records.length; index += 1) {
      var number = records[index][0];
      var line = records[index][1];
      if (!line.some(function (c) { return strip(c) !== ""; })) { continue; }
      var extra = line.slice(names.length).map(strip).concat(ignored.filter(function (i) {
        return i < line.length;
      }).map(function (i) { return strip(line[i]); }));
      if (extra.some(function (e) { return e; })) {
        found.problems.push(problem("extra_cells", "error", {
          row: number, place: place(format, number), value: extra.filter(function (e) { return e; }).join(",")
        }, {}));
      }
      var values = {};
      Object.keys(positions).forEach(function (name) {
        if (positions[name] < line.length) { values[name] = line[positions[name]]; }
      });
      found.rows.push({ row: number, values: normalRow(values), sheet: "" });
    }
    if (!found.rows.length) { found.problems.push(problem("no_answers", "error", {}, {})); }
    return found;
  }

  function readCsv(text) {
    var firstLine = lstrip(text, "\r\n").split("\n")[0];
    var delimiter = ",";
    if (firstLine.indexOf(",") < 0) {
      delimiter = firstLine.indexOf(";") >= 0 ? ";" : (firstLine.indexOf("\t") >= 0 ? "\t" : ",");
    }
    var parsed = readCsvRecords(text, delimiter);
    if (parsed.error) {
      var broken = newRead("unknown");
      broken.problems.push(problem("csv_unreadable", "error", {}, { reason: parsed.error }));
      return broken;
    }
    return readTable("csv", parsed.records.map(function (cells, i) { return [i + 1, cells]; }));
  }

  function readJson(text) {
    var found = newRead("json");
    found.declared_once = true;
    var data;
    try {
      data = pyJsonLoads(text);
    } catch (error) {
      if (!(error instanceof JsonError)) { throw error; }
      found.format = "unknown";
      found.problems.push(problem("json_invalid", "error", {}, { reason: jsonErrorPlace(text, error.pos) }));
      return found;
    }
    var format = dictGet(data, "format");
    if (data.t !== "dict" || !format || format.t !== "str" || format.v !== D.format) {
      found.format = "unknown";
      var declared = data.t === "dict" && format !== undefined && format.t !== "none" ? cellText(format) : "(none)";
      found.problems.push(problem("json_not_ours", "error", { value: declared }, { format: D.format }));
      return found;
    }
    var answers = dictGet(data, "answers");
    if (!answers || answers.t !== "list") {
      found.problems.push(problem("json_damaged", "error", {}, { reason: "it has no list of 'answers'" }));
      return found;
    }
    found.edition = strip(cellText(dictGet(data, "edition")));
    found.practice_code = strip(cellText(dictGet(data, "practice_code"))).toUpperCase();
    answers.v.forEach(function (item, i) {
      var number = i + 1;
      if (item.t !== "dict" || item.v.some(function (pair) { return pair[1].t === "dict" || pair[1].t === "list"; })) {
        found.problems.push(problem("json_damaged", "error", { row: number, place: place("json", number) },
          { reason: "this answer is not a set of names and values" }));
        return;
      }
      var values = {};
      ALL.forEach(function (name) { values[name] = cellText(dictGet(item, name)); });
      values.practice_code = cellText(dictHas(item, "practice_code") ? dictGet(item, "practice_code") :
        dictGet(data, "practice_code"));
      values.edition = cellText(dictHas(item, "edition") ? dictGet(item, "edition") : dictGet(data, "edition"));
      var row = normalRow(values);
      if (["question_id", "answer", "comment", "action", "action_owner", "action_due"].some(function (c) {
        return row[c];
      })) {
        found.rows.push({ row: number, values: row, sheet: "" });
      }
    });
    if (!found.rows.length && !found.problems.length) { found.problems.push(problem("no_answers", "error", {}, {})); }
    return found;
  }

  /** read.read_return: bytes → rows, whatever the format. A workbook is not read here (see the page). */
  function readReturn(bytes) {
    var kind = sniff(bytes);
    if (kind === "workbook") { return { format: "workbook", rows: [], problems: [], workbook: true }; }
    if (Object.prototype.hasOwnProperty.call(M.file_kinds, kind)) { return notAReturn(kind); }
    var text = decode(bytes);
    if (text === null) {
      var unread = newRead("unknown");
      unread.problems.push(problem("text_unreadable", "error", {}, {}));
      return unread;
    }
    if (looksLike(text, ["from:", "received:", "return-path:", "mime-version:", "delivered-to:"])) {
      return notAReturn("email");
    }
    if (looksLike(text, ["<!doctype html", "<html"])) { return notAReturn("html"); }
    var first = lstrip(text).charAt(0);
    if (first === "{" || first === "[") { return readJson(text); }
    return readCsv(text);
  }

  // --- the edition's rules (validate.py) ------------------------------------------------------------------

  var NUMBER = /^-?[0-9]+(\.[0-9]+)?$/;
  var ISO_DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
  var STRPTIME_DATE = /^([0-9]{4})-(1[0-2]|0[1-9]|[1-9])-(3[01]|[12][0-9]|0[1-9]|[1-9]| [1-9])$/;

  function readStrptimeDate(value) {
    var m = STRPTIME_DATE.exec(value);
    if (!m) { return null; }
    var year = Number(m[1]), month = Number(m[2]), day = Number(m[3]);
    return realDate(year, month, day) ? pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) : null;
  }

  var TYPES = {
    string: function (v) { return v; },
    date: readStrptimeDate
  };
  var CONSTRAINT_ORDER = { string: ["required", "minLength", "maxLength", "pattern", "enum"], date: ["required", "enum"] };

  /** validate.CompiledSchema: the published Table Schema as checks. */
  function compileSchema(descriptor) {
    var missing = descriptor.missingValues || [""];
    var fields = descriptor.fields.map(function (spec) {
      var kind = spec.type || "any";
      if (!TYPES[kind]) { throw new Error("type " + kind + " is not compiled"); }
      var constraints = spec.constraints || {};
      var checks = CONSTRAINT_ORDER[kind].filter(function (name) {
        return constraints[name] !== undefined && constraints[name] !== null;
      }).map(function (name) {
        var c = constraints[name];
        var test;
        if (name === "required") {
          test = c ? function (v) { return v !== null; } : function () { return true; };
        } else if (name === "pattern") {
          var re = new RegExp("^(?:" + c + ")$");
          test = function (v) { return v === null || re.test(v); };
        } else if (name === "enum") {
          var allowed = c.map(function (x) { return typeof x === "string" ? TYPES[kind](x) : x; });
          test = function (v) { return v === null || allowed.indexOf(v) >= 0; };
        } else if (name === "minLength") {
          test = function (v) { return v === null || codePoints(v).length >= c; };
        } else {
          test = function (v) { return v === null || codePoints(v).length <= c; };
        }
        return [name, test];
      });
      return { name: spec.name, type: kind, read: TYPES[kind], checks: checks, constraints: constraints };
    });
    var byName = {};
    fields.forEach(function (f) { byName[f.name] = f; });
    var key = descriptor.primaryKey || [];
    key = typeof key === "string" ? [key] : key;

    function isMissing(v) { return missing.indexOf(v) >= 0; }

    return {
      fields: fields,
      byName: byName,
      cellErrors: function (name, value) {
        var spec = byName[name];
        var typed = null;
        if (!isMissing(value)) {
          typed = spec.read(value);
          if (typed === null) { return ["type"]; }
        }
        return spec.checks.filter(function (c) { return !c[1](typed); }).map(function (c) { return c[0]; });
      },
      errors: function (rows, skip) {
        var found = [];
        var seen = {};
        rows.forEach(function (row, index) {
          fields.forEach(function (spec) {
            if (skip.indexOf(spec.name) >= 0) { return; }
            var value = row[spec.name];
            var typed = null;
            if (!isMissing(value)) {
              typed = spec.read(value);
              if (typed === null) {
                found.push({ index: index, field: spec.name, constraint: "type", value: value, first: -1 });
                return;
              }
            }
            spec.checks.forEach(function (c) {
              if (!c[1](typed)) { found.push({ index: index, field: spec.name, constraint: c[0], value: value, first: -1 }); }
            });
          });
          if (key.length) {
            var cells = key.map(function (k) { return isMissing(row[k]) ? null : byName[k].read(row[k]); });
            var signature = JSON.stringify(cells);
            if (cells.every(function (c) { return c === null; })) {
              found.push({ index: index, field: key[0], constraint: "primaryKey", value: "", first: -1 });
            } else if (Object.prototype.hasOwnProperty.call(seen, signature)) {
              found.push({ index: index, field: key[0], constraint: "primaryKey", value: row[key[0]], first: seen[signature] });
            } else {
              seen[signature] = index;
            }
          }
        });
        return found;
      }
    };
  }

  var schema = compileSchema(D.schema);

  function numberText(value) { return Number.isInteger(value) ? String(value) : floatRepr(value); }

  function numberRange(q) {
    var low = q.minimum !== null ? numberText(q.minimum) : "any";
    var high = q.maximum !== null ? numberText(q.maximum) : "any";
    var suffix = q.unit === "%" ? q.unit : (q.unit ? " " + q.unit : "");
    return "from " + low + " to " + high + suffix;
  }

  function monthsBefore(day, months) {
    var index = day.year * 12 + day.month - 1 - months;
    var year = Math.floor(index / 12);
    var month = index - year * 12 + 1;
    var last = new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !leap(year) ? 1 : 0);
    return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(Math.min(day.day, last), 2);
  }

  var rules = {};
  D.questions.forEach(function (q) {
    var answers = {};
    q.answers.forEach(function (a) { answers[casefold(a)] = a; });
    rules[q.question_id] = {
      q: q,
      answers: answers,
      hasAnswers: q.answers.length > 0,
      allowed: joinWords(q.answers),
      risk: q.risk_answers.map(casefold),
      canFlagRisk: q.risk_answers.length > 0 || q.risk_below !== null || q.risk_above !== null ||
        q.risk_older_than_months !== null
    };
  });
  var requiredIds = D.questions.filter(function (q) { return q.required; }).map(function (q) { return q.question_id; });

  function flagsRisk(rule, answer, received) {
    var q = rule.q;
    if (rule.hasAnswers) { return rule.risk.indexOf(casefold(answer)) >= 0; }
    if (q.type === "number") {
      var value = Number(answer);
      return (q.risk_below !== null && value < q.risk_below) || (q.risk_above !== null && value > q.risk_above);
    }
    if (q.type === "date" && q.risk_older_than_months !== null) {
      return answer < monthsBefore(received, q.risk_older_than_months);
    }
    return false;
  }

  function isDate(value) {
    if (!ISO_DATE.test(value)) { return false; }
    return realDate(Number(value.slice(0, 4)), Number(value.slice(5, 7)), Number(value.slice(8, 10)));
  }

  function mostCommon(values) {
    var counts = {};
    var order = [];
    values.forEach(function (v) {
      if (!v) { return; }
      if (!Object.prototype.hasOwnProperty.call(counts, v)) { counts[v] = 0; order.push(v); }
      counts[v] += 1;
    });
    var best = "";
    var most = 0;
    order.forEach(function (v) { if (counts[v] > most) { best = v; most = counts[v]; } });
    return best;
  }

  var COLUMN_ORDER = {};
  ALL.forEach(function (name, i) { COLUMN_ORDER[name] = i; });

  function ordered(problems) {
    function key(p) {
      return [p.code === "question_missing" ? 2 : (p.row ? 1 : 0), p.row,
        Object.prototype.hasOwnProperty.call(COLUMN_ORDER, p.column) ? COLUMN_ORDER[p.column] : ALL.length];
    }
    return problems.map(function (p, i) { return [key(p), i, p]; }).sort(function (a, b) {
      for (var k = 0; k < 3; k += 1) {
        if (a[0][k] !== b[0][k]) { return a[0][k] - b[0][k]; }
      }
      return a[1] - b[1];
    }).map(function (x) { return x[2]; });
  }

  function readPlace(read, row) { return place(read.format, row.row, row.sheet); }

  function schemaProblem(read, error, rows, example) {
    var specific = error.constraint + "." + error.field;
    var code = Object.prototype.hasOwnProperty.call(M.templates, specific) ? specific : error.constraint;
    var spec = schema.byName[error.field];
    var c = spec.constraints;
    var params = {
      edition: D.edition,
      example: example,
      pattern: c.pattern !== undefined ? String(c.pattern) : "",
      allowed: joinWords((c["enum"] || []).map(String)),
      limit: c[error.constraint] === undefined ? "" : typeof c[error.constraint] === "boolean" ?
        (c[error.constraint] ? "True" : "False") : String(c[error.constraint]),
      type: spec.type,
      first: ""
    };
    if (rows === null) { return problem(code, "error", { column: error.field, value: error.value }, params); }
    var row = rows[error.index];
    if (error.constraint === "primaryKey" && error.first >= 0) { params.first = readPlace(read, rows[error.first]); }
    var rule = rules[row.values.question_id];
    return problem(code, "error", {
      row: row.row,
      place: readPlace(read, row),
      column: error.field,
      value: error.value,
      question_id: error.field === "question_id" ? row.values.question_id : "",
      guidance: rule && error.field !== "question_id" ? rule.q.guidance : ""
    }, params);
  }

  /** validate.validate for a return to this page's edition: {status, edition, practice_code, problems, other}. */
  function validate(read, received) {
    var problems = read.problems.slice();
    var practice = read.practice_code || mostCommon(read.rows.map(function (r) { return r.values.practice_code; }));
    var named = read.edition || mostCommon(read.rows.map(function (r) { return r.values.edition; }));
    if (read.format === "unknown") { return { status: "invalid", practice_code: practice, edition: D.edition, problems: problems }; }
    var editionId = named || D.edition;
    var published = D.editions.published;
    if (editionId !== D.edition || published.indexOf(D.edition) < 0) {
      if (published.indexOf(editionId) >= 0) {
        return { status: "other", practice_code: practice, edition: editionId, problems: problems };
      }
      var code = D.editions.drafts.indexOf(editionId) >= 0 ? "draft_edition" : "unknown_edition";
      problems.push(problem(code, "error", { column: "edition", value: editionId }, { current: D.editions.current }));
      return { status: "invalid", practice_code: practice, edition: D.edition, problems: problems };
    }
    var example = pad(received.year, 4) + "-" + pad(received.month, 2) + "-" + pad(received.day, 2);
    var severity = D.action_plan_required ? "error" : "warning";
    var declaredOnce = read.declared_once;
    if (declaredOnce) {
      [["practice_code", read.practice_code], ["edition", read.edition]].forEach(function (pair) {
        schema.cellErrors(pair[0], pair[1]).forEach(function (constraint) {
          problems.push(schemaProblem(read, { index: 0, field: pair[0], constraint: constraint, value: pair[1], first: -1 },
            null, example));
        });
      });
    }
    var rows = read.rows;
    var skip = schema.fields.filter(function (f) { return read.present.indexOf(f.name) < 0; }).map(function (f) {
      return f.name;
    });
    if (declaredOnce) { skip = skip.concat(["practice_code", "edition"]); }
    schema.errors(rows.map(function (r) { return r.values; }), skip).forEach(function (error) {
      if (error.constraint === "primaryKey" && error.first < 0) { return; }
      problems.push(schemaProblem(read, error, rows, example));
    });
    var answered = {};
    rows.forEach(function (row) {
      var values = row.values;
      var where = readPlace(read, row);
      var codeHere = values.practice_code;
      if (codeHere && practice && codeHere !== practice && !declaredOnce &&
        schema.cellErrors("practice_code", codeHere).length === 0) {
        problems.push(problem("practice_mixed", "error", { row: row.row, place: where, column: "practice_code", value: codeHere },
          { practice: practice }));
      }
      ["answer", "comment", "action", "action_owner"].forEach(function (column) {
        if (values[column].charAt(0) === "=") {
          problems.push(problem("formula_text", "warning", { row: row.row, place: where, column: column, value: values[column] },
            { first: "=" }));
        }
      });
      var rule = rules[values.question_id];
      if (!rule || answered[rule.q.question_id]) { return; }
      answered[rule.q.question_id] = true;
      if (read.present.indexOf("answer") < 0) { return; }
      checkAnswer(row, rule, where, received, example, severity, problems);
    });
    if (read.present.indexOf("question_id") >= 0 && rows.length) {
      requiredIds.forEach(function (id) {
        if (answered[id]) { return; }
        var rule = rules[id];
        problems.push(problem("question_missing", "error", { question_id: id, guidance: rule.q.guidance },
          { text: rule.q.text }));
      });
    }
    var ok = !problems.some(function (p) { return p.severity === "error"; });
    return { status: ok ? "valid" : "invalid", practice_code: practice, edition: editionId, problems: ordered(problems) };
  }

  function checkAnswer(row, rule, where, received, example, severity, problems) {
    var q = rule.q;
    var value = row.values.answer;
    function bad(code, params) {
      problems.push(problem(code, "error", {
        row: row.row, place: where, column: "answer", value: value, question_id: q.question_id, guidance: q.guidance
      }, params));
    }
    if (!value) {
      if (q.required) { bad("answer_missing", { text: q.text }); }
      return;
    }
    if (rule.hasAnswers) {
      var canonical = rule.answers[casefold(value)];
      if (canonical === undefined) { bad("answer_not_allowed", { allowed: rule.allowed }); return; }
      value = canonical;
    } else if (q.type === "number") {
      if (!NUMBER.test(value)) { bad("answer_not_number", { range: numberRange(q) }); return; }
      var number = Number(value);
      if ((q.minimum !== null && number < q.minimum) || (q.maximum !== null && number > q.maximum)) {
        bad("answer_out_of_range", { range: numberRange(q) });
        return;
      }
    } else if (q.type === "date") {
      value = isoDate(value);
      if (!isDate(value)) { bad("answer_not_date", { example: example }); return; }
    }
    if (rule.canFlagRisk && flagsRisk(rule, value, received)) {
      var missing = Object.keys(M.action_words).filter(function (c) { return !row.values[c]; });
      if (missing.length) {
        problems.push(problem("action_missing", severity, {
          row: row.row, place: where, column: missing[0], question_id: q.question_id, guidance: q.guidance
        }, {
          answer: value,
          missing: joinWords(missing.map(function (c) { return M.action_words[c]; }), "and")
        }));
      }
    }
  }

  /** Check a file's bytes as the collector would, on the day given ({year, month, day}). */
  function checkBytes(bytes, received) {
    var read = readReturn(bytes);
    if (read.workbook) { return { status: "workbook", problems: [] }; }
    return validate(read, received);
  }

  window.GPQS_CHECK = {
    checkBytes: checkBytes,
    formatProblem: formatProblem,
    readCsvRecords: readCsvRecords,
    pyJsonLoads: pyJsonLoads,
    jsonErrorPlace: jsonErrorPlace,
    cellText: cellText,
    floatRepr: floatRepr,
    shown: shown
  };

  // --- the page ------------------------------------------------------------------------------------------

  var root = document.getElementById("sa");
  if (!root || root.getAttribute("data-sa-page") !== "check-a-return") { return; }
  var input = document.getElementById("sa-check-file");
  var result = document.getElementById("sa-check-result");

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  function today() {
    var now = new Date();
    return { year: now.getFullYear(), month: now.getMonth() + 1, day: now.getDate() };
  }

  function show(name, verdict) {
    var title = document.getElementById("sa-check-title");
    var summary = document.getElementById("sa-check-summary");
    var list = document.getElementById("sa-check-problems");
    while (list.firstChild) { list.removeChild(list.firstChild); }
    while (summary.firstChild) { summary.removeChild(summary.firstChild); }
    var errors = verdict.problems.filter(function (p) { return p.severity === "error"; }).length;
    var warnings = verdict.problems.length - errors;
    if (verdict.status === "workbook") {
      title.textContent = "This page cannot read workbooks";
      summary.textContent = name + " is an Excel workbook. The ICB's collector reads it, but this page reads only " +
        "the return as CSV or the file this form exports. In Excel, save the return sheet as 'CSV UTF-8 (Comma " +
        "delimited)' and choose that file here.";
    } else if (verdict.status === "other") {
      title.textContent = "This return is for another edition";
      summary.appendChild(document.createTextNode(name + " is a return for " + verdict.edition + ". This page checks " +
        "returns for " + D.edition + ". "));
      var link = D.editions.check_pages[verdict.edition];
      if (link) {
        summary.appendChild(element("a", { href: link }, "Check it against " + verdict.edition));
        summary.appendChild(document.createTextNode("."));
      }
    } else if (verdict.problems.length === 0) {
      title.textContent = "No problems found";
      summary.textContent = name + " is a complete return for " + verdict.practice_code + " that the ICB's collector " +
        "would accept.";
    } else {
      title.textContent = errors ? "The collector would not accept this return" : "The collector would accept this return";
      summary.textContent = name + ": " + (errors ? plural(errors, "problem", "problems") + " to put right" : "") +
        (errors && warnings ? " and " : "") + (warnings ? plural(warnings, "warning", "warnings") + " to look at" : "") + ".";
    }
    verdict.problems.forEach(function (p) {
      var item = element("li", { "class": p.severity === "warning" ? "sa-problem sa-problem--warning" : "sa-problem" });
      item.appendChild(element("span", { "class": "sa-problem__text" }, formatProblem(name, p)));
      if (p.question_id && p.guidance) {
        item.appendChild(document.createTextNode(" "));
        item.appendChild(element("a", { href: p.guidance }, "Guidance for " + p.question_id));
      }
      list.appendChild(item);
    });
    result.hidden = false;
    result.focus();
  }

  input.addEventListener("change", function () {
    var file = input.files && input.files[0];
    if (!file) { return; }
    file.arrayBuffer().then(function (buffer) {
      show(file.name, checkBytes(new Uint8Array(buffer), today()));
    });
  });
}(window, document));
