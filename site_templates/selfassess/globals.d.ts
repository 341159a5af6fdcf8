// What the self-assessment's scripts hand each other through the window: the edition's data
// (written by generator/selfassess/data.py as edition.js) and each script's exports.
export {};

declare global {
  interface Window {
    GPQS_SELFASSESS: any;
    GPQS_RULES: any;
    GPQS: any;
    GPQS_READ: any;
    GPQS_WORKBOOK: any;
    GPQS_CHECK: any;
  }
}
