// A string as JSON text, as JSON.stringify writes it, cheaper for the strings
// most answers and log lines are made of: printable ASCII with no `"` or
// backslash is its own JSON text between quotes, and a regular expression says
// so faster than JSON.stringify (a call into C++) writes it. Anything else
// (escapes, control characters, non-ASCII, lone surrogates) is JSON.stringify's.

const PLAIN_TEXT = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/**
 * The JSON text of a string without its quotes, for text that holds them in
 * its constant parts: every piece joined is a string made (and, in a long
 * text, one more piece to walk when it is written out).
 */
export const unquoted = (s: string): string => (PLAIN_TEXT.test(s) ? s : JSON.stringify(s).slice(1, -1));
