/* Read a returned self-assessment workbook (.xlsx) in the browser as the ICB's collector reads it
   (generator/returns/read.py's read_workbook, through openpyxl with data_only and read_only).

   A workbook is a zip of XML parts. The zip's own directory is checked first, as the collector
   checks it, so that a file that would unpack to far more than a workbook holds is never opened;
   then each part is inflated with the browser's DecompressionStream and read with DOMParser.
   Cells become the values openpyxl gives (shared and inline text, numbers, booleans, dates by
   their number format, the saved results of formulas) and those the text the collector compares.

   Exposed as window.GPQS_WORKBOOK: read(bytes) gives a promise of what readReturn gives. */
(function (window) {
  "use strict";

  var D = window.GPQS_SELFASSESS;
  var R = window.GPQS_READ;
  var pad = window.GPQS_RULES.pad;
  var W = D.workbook;
  var MAIN = "xl/workbook.xml";
  var RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
  var DAY_MS = 86400000;
  var WINDOWS_EPOCH = Date.UTC(1899, 11, 30);
  var MAC_EPOCH = Date.UTC(1904, 0, 1);
  /** The built-in number formats that show a date or a time (the others show none). */
  var BUILTIN_FORMATS = {
    14: "mm-dd-yy", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy", 18: "h:mm AM/PM", 19: "h:mm:ss AM/PM", 20: "h:mm",
    21: "h:mm:ss", 22: "m/d/yy h:mm", 45: "mm:ss", 46: "[h]:mm:ss", 47: "mmss.0"
  };
  var STRIP_FORMAT = /".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]/g;
  var TIMEDELTA_FORMAT = /\[hh?\](:mm(:ss(\.0*)?)?)?|\[mm?\](:ss(\.0*)?)?|\[ss?\](\.0*)?/i;
  var MAX_COLUMNS = 64;  // read.MAX_SHEET_COLUMNS: no more columns of a sheet are read, whatever it claims
  var CELL_REFERENCE = /^(?:'((?:[^']|'')+)'|([^!]+))!\$?([A-Z]+)\$?([0-9]+)$/;

  /** A sheet of more rows than a return can have (read.TooManyRows). */
  function TooManyRows() { this.rows = R.MAX_ROWS; }

  // --- the zip -------------------------------------------------------------------------------------

  /** read.size_text: '950 bytes', '12.3 KB', '4.0 MB', to the nearest tenth (a half up). */
  function sizeText(size) {
    if (size < 1000) { return size + " bytes"; }
    var units = ["KB", "MB", "GB", "TB"], i = 0;
    while (i < 3 && size >= Math.pow(1000, i + 2)) { i += 1; }
    return (size / Math.pow(1000, i + 1)).toFixed(1) + " " + units[i];
  }

  /** read.unpacked_problem: a workbook whose directory says it unpacks to far more than a workbook holds. */
  function unpackedProblem(zip) {
    var total = 0;
    var tooPacked = false;
    zip.list.forEach(function (m) {
      total += m.size;
      if (m.size > 1000000 && m.size > W.max_ratio * Math.max(m.compressed, 1)) { tooPacked = true; }
    });
    return zip.list.length > W.max_members || total > W.max_unpacked || tooPacked ?
      R.refused("workbook_unsafe", { size: sizeText(total) }) : null;
  }

  async function inflate(zip, member) {
    var start = member.header;
    if (start + 30 > zip.bytes.length || zip.view.getUint32(start, true) !== 0x04034b50) {
      throw new Error("damaged");
    }
    start += 30 + zip.view.getUint16(start + 26, true) + zip.view.getUint16(start + 28, true);
    var data = zip.bytes.subarray(start, start + member.compressed);
    if (member.method === 0) { return data; }
    if (member.method !== 8) { throw new Error("damaged"); }
    try {
      var stream = new Blob([data]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
      return new Uint8Array(await new Response(stream).arrayBuffer());
    } catch (error) {
      throw new Error("damaged");
    }
  }

  async function part(zip, name) {
    var member = zip.list.find(function (m) { return m.name === name; });
    if (!member) { return null; }
    var text = new TextDecoder().decode(await inflate(zip, member));
    var xml = new DOMParser().parseFromString(text, "application/xml");
    if (xml.getElementsByTagName("parsererror").length) { throw new Error("damaged"); }
    return xml;
  }

  function all(node, name) { return Array.prototype.slice.call(node.getElementsByTagNameNS("*", name)); }

  function children(node, name) {
    return Array.prototype.filter.call(node.childNodes, function (c) { return c.localName === name; });
  }

  /** openpyxl's Text.content: the plain text and each run's text, not the phonetic guides. */
  function richText(node) {
    var text = "";
    children(node, "t").forEach(function (t) { text += t.textContent; });
    children(node, "r").forEach(function (r) { children(r, "t").forEach(function (t) { text += t.textContent; }); });
    return text;
  }

  // --- what each cell holds -------------------------------------------------------------------------

  function isDateFormat(format) {
    if (format === undefined || format === null) { return false; }
    return /(?<![_\\])[dmhysDMHYS]/.test(format.split(";")[0].replace(STRIP_FORMAT, ""));
  }

  function isTimedeltaFormat(format) {
    return format !== undefined && format !== null && TIMEDELTA_FORMAT.test(format.split(";")[0]);
  }

  /** Which cell styles show a date, and which a length of time. */
  function dateStyles(styles) {
    var found = { dates: {}, lengths: {} };
    if (!styles) { return found; }
    var custom = {};
    all(styles, "numFmt").forEach(function (f) { custom[f.getAttribute("numFmtId")] = f.getAttribute("formatCode"); });
    var cellXfs = all(styles, "cellXfs")[0];
    (cellXfs ? children(cellXfs, "xf") : []).forEach(function (xf, index) {
      var id = xf.getAttribute("numFmtId") || "0";
      var format = Object.prototype.hasOwnProperty.call(custom, id) ? custom[id] : BUILTIN_FORMATS[Number(id)];
      found.dates[index] = isDateFormat(format);
      found.lengths[index] = isTimedeltaFormat(format);
    });
    return found;
  }

  /** openpyxl's from_excel and then read.cell_text: a date serial as the day it falls on; a time of day or a length
      of time as its hours and minutes (to the millisecond first, as openpyxl reads it). */
  function serialText(value, epoch, isLength) {
    var day = Math.floor(value);
    var diff = Math.round((value - day) * DAY_MS);
    if (isLength || (value >= 0 && value < 1 && diff < DAY_MS)) {
      var minutes = Math.floor(Math.round(value * DAY_MS) / 60000);
      return pad(Math.floor(minutes / 60), 2) + ":" + pad(minutes - Math.floor(minutes / 60) * 60, 2);
    }
    if (value > 0 && value < 60 && epoch === WINDOWS_EPOCH) { day += 1; }
    var when = new Date(epoch + day * DAY_MS + diff);
    var year = when.getUTCFullYear();
    if (!(year >= 1 && year <= 9999)) { return "#VALUE!"; }
    return pad(year, 4) + "-" + pad(when.getUTCMonth() + 1, 2) + "-" + pad(when.getUTCDate(), 2);
  }

  /** read.cell_text of a number as openpyxl reads it: an int, or a float when it has '.', 'e' or 'E'. */
  function numberText(text) {
    if (!/[.eE]/.test(text)) { return BigInt(text.trim()).toString(); }  // throws, as openpyxl does, for no number
    var x = Number(text);
    if (Number.isNaN(x) && !/^\s*[+-]?nan\s*$/i.test(text)) { throw new Error("damaged"); }
    return Number.isFinite(x) && Number.isInteger(x) ? BigInt(x).toString() : String(x);  // read.number_text
  }

  /** An ISO 8601 date cell (t="d") as the collector's text: its day, or a time's hours and minutes. */
  function isoCellText(text) {
    var m = /^(\d{4}-\d{2}-\d{2})|^(\d{2}:\d{2}):\d{2}/.exec(text);
    return m ? m[1] || m[2] : text;
  }

  /** A cell as { text, number }: the text the collector compares, and the number when openpyxl gives one. */
  function cellValue(c, book) {
    var type = c.getAttribute("t") || "n";
    var style = Number(c.getAttribute("s") || "0");
    if (type === "inlineStr") {
      var inline = children(c, "is")[0];
      return inline ? { text: richText(inline), number: null } : null;
    }
    var v = children(c, "v")[0];
    var raw = v ? v.textContent : "";
    if (!raw) { return null; }
    if (type === "n") {
      if (book.styles.dates[style]) {
        return { text: serialText(Number(raw), book.epoch, book.styles.lengths[style]), number: null };
      }
      var text = numberText(raw);
      return { text: text, number: Number(raw) };
    }
    if (type === "s") {
      var index = Number(raw);
      if (!(index >= 0 && index < book.strings.length)) { throw new Error("damaged"); }
      return { text: book.strings[index], number: null };
    }
    if (type === "b") { return { text: Number(raw) ? "yes" : "no", number: Number(raw) ? 1 : 0 }; }
    if (type === "d") { return { text: isoCellText(raw), number: null }; }
    return { text: raw, number: null };
  }

  /** A sheet's rows as openpyxl's read-only iter_rows(values_only=True) gives them (padded, gaps filled). */
  function sheetRows(xml, book) {
    var dimension = all(xml, "dimension")[0];
    var maxRow = null, maxColumn = null;
    if (dimension) {
      var ends = (dimension.getAttribute("ref") || "").split(":");
      var last = /^\$?([A-Z]+)\$?([0-9]+)$/.exec(ends[ends.length - 1]);
      if (last) { maxColumn = Math.min(columnNumber(last[1]) + 1, MAX_COLUMNS); maxRow = Number(last[2]); }
    }
    var rows = [];
    function push(row) {
      rows.push(row);
      if (rows.length > R.MAX_ROWS) { throw new TooManyRows(); }
    }
    var counter = 1, rowCounter = 0;
    var sheetData = all(xml, "sheetData")[0];
    var rowNodes = sheetData ? children(sheetData, "row") : [];
    for (var i = 0; i < rowNodes.length; i += 1) {
      var r = rowNodes[i].getAttribute("r");
      var index = r ? Number(r) : rowCounter + 1;
      rowCounter = index;
      if (maxRow !== null && index > maxRow) { break; }
      for (; counter < index; counter += 1) { push(maxColumn ? new Array(maxColumn).fill(null) : []); }
      if (counter > index) { continue; }
      var cells = [];
      var columnCounter = 0;
      children(rowNodes[i], "c").forEach(function (c) {
        var reference = /^([A-Z]+)([0-9]+)$/.exec(c.getAttribute("r") || "");
        var column = reference ? columnNumber(reference[1]) + 1 : columnCounter + 1;
        columnCounter = column;
        cells.push([column, cellValue(c, book)]);
      });
      var width = maxColumn || (cells.length ? cells[cells.length - 1][0] : 0);
      var row = new Array(width).fill(null);
      cells.forEach(function (cell) { if (cell[0] <= width) { row[cell[0] - 1] = cell[1]; } });
      push(row);
      counter += 1;
    }
    return rows;
  }

  function columnNumber(letters) {
    var number = 0;
    for (var i = 0; i < letters.length; i += 1) { number = number * 26 + letters.charCodeAt(i) - 64; }
    return number - 1;
  }

  function cellString(cell) { return cell ? cell.text : ""; }

  // --- the workbook ---------------------------------------------------------------------------------

  async function openBook(zip) {
    var workbook = await part(zip, MAIN);
    if (!workbook) { throw new Error("damaged"); }
    var rels = await part(zip, "xl/_rels/workbook.xml.rels");
    var targets = {}, typed = {};
    (rels ? all(rels, "Relationship") : []).forEach(function (rel) {
      var target = rel.getAttribute("Target") || "";
      target = target.charAt(0) === "/" ? target.slice(1) : "xl/" + target;
      targets[rel.getAttribute("Id")] = target;
      typed[(rel.getAttribute("Type") || "").split("/").pop()] = target;
    });
    var shared = typed.sharedStrings ? await part(zip, typed.sharedStrings) : null;
    var strings = shared ? all(shared, "si").map(function (si) { return richText(si).split("x005F_").join(""); }) : [];
    var properties = all(workbook, "workbookPr")[0];
    var date1904 = properties && /^(1|true)$/.test(properties.getAttribute("date1904") || "");
    var book = {
      zip: zip,
      strings: strings,
      epoch: date1904 ? MAC_EPOCH : WINDOWS_EPOCH,
      styles: dateStyles(typed.styles ? await part(zip, typed.styles) : null),
      sheets: {},
      names: [],
      rows: {}
    };
    all(workbook, "sheet").forEach(function (sheet) {
      book.names.push(sheet.getAttribute("name"));
      book.sheets[sheet.getAttribute("name")] = targets[sheet.getAttributeNS(RELATIONSHIPS, "id")];
    });
    return book;
  }

  async function rowsOf(book, name) {
    if (!Object.prototype.hasOwnProperty.call(book.rows, name)) {
      var xml = book.sheets[name] ? await part(book.zip, book.sheets[name]) : null;
      if (!xml) { throw new Error("damaged"); }
      book.rows[name] = sheetRows(xml, book);
    }
    return book.rows[name];
  }

  function has(book, name) { return book.names.indexOf(name) >= 0; }

  async function cellAt(book, name, row, column) {
    var rows = await rowsOf(book, name);
    if (row < 1 || row > rows.length || column >= rows[row - 1].length) { return null; }
    return rows[row - 1][column];
  }

  /** read._read_our_workbook: the answers where the hidden sheet says each one is. */
  async function readOurs(book) {
    var found = R.newRead("workbook");
    found.declared_once = true;
    var index = await rowsOf(book, W.data_sheet);
    function meta(row) {
      return index.length >= row && index[row - 1].length > 1 ? R.strip(cellString(index[row - 1][1])) : "";
    }
    found.edition = meta(2);
    var where = CELL_REFERENCE.exec(meta(3));
    if (where) {
      var codeSheet = (where[1] || "").split("''").join("'") || (where[2] || "");
      if (has(book, codeSheet)) {
        found.practice_code = R.strip(cellString(await cellAt(book, codeSheet, Number(where[4]), columnNumber(where[3]))));
      }
    }
    for (var i = 4; i < index.length; i += 1) {
      var entry = index[i];
      var questionId = entry.length ? R.strip(cellString(entry[0])) : "";
      if (!questionId || entry.length < 3) { continue; }
      var sheet = R.strip(cellString(entry[1]));
      var rowCell = entry[2];
      if (!has(book, sheet)) {
        found.problems.push(R.problem("workbook_sheet_missing", "error", { question_id: questionId },
          { sheet: sheet }));
        continue;
      }
      if (!rowCell || rowCell.number === null || Math.trunc(rowCell.number) < 1) { continue; }
      var number = Math.trunc(rowCell.number);
      var cells = {};
      var names = Object.keys(W.columns);
      for (var k = 0; k < names.length; k += 1) {
        cells[names[k]] = cellString(await cellAt(book, sheet, number, columnNumber(W.columns[names[k]])));
      }
      if (R.strip(cells.question_id).toUpperCase() !== questionId.toUpperCase()) {
        found.problems.push(R.problem("workbook_moved", "error", {
          row: number, place: R.place("workbook", number, sheet), question_id: questionId, value: cells.question_id
        }, {}));
        continue;
      }
      var values = Object.assign(cells, { practice_code: found.practice_code, edition: found.edition, question_id: questionId });
      found.rows.push({ row: number, values: R.normalRow(values), sheet: sheet });
    }
    found.practice_code = found.practice_code.toUpperCase();
    if (!found.rows.length && !found.problems.length) { found.problems.push(R.problem("no_answers", "error", {}, {})); }
    return found;
  }

  /** read.read_workbook: the self-assessment workbook by its hidden sheet; any other by its first sheet. */
  async function read(bytes) {
    var zip = { bytes: bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
    try {
      zip.list = R.zipMembers(bytes);
    } catch (error) {
      return R.refused("workbook_unreadable");
    }
    var unsafe = unpackedProblem(zip);
    if (unsafe) { return unsafe; }
    try {
      var book = await openBook(zip);
      if (has(book, W.data_sheet)) { return await readOurs(book); }
      var first = book.names.length ? book.names[0] : "";
      var rows = await rowsOf(book, first);
      var table = rows.map(function (cells, i) { return [i + 1, cells.map(cellString)]; });
      var found = R.readTable("workbook", table, first);
      return found.format === "unknown" ? R.refused("workbook_not_ours", { sheet: W.data_sheet }) : found;
    } catch (error) {  // a damaged part, or a cell openpyxl could not read
      return error instanceof TooManyRows ? R.tooManyRows() : R.refused("workbook_unreadable");
    }
  }

  window.GPQS_WORKBOOK = { read: read, sizeText: sizeText, serialText: serialText, isDateFormat: isDateFormat };
}(window));
