// The engine's error sentences in the page's language. The engine speaks English
// (its Display is the sentence the CLI prints too); the page translates the kinds
// it shows most — load errors and spec/rule errors — by the error's `kind`, keeping
// the specific details (file, line, column, names, counts) as they are. A sentence
// whose shape is not recognised stays English. The English original is always
// kept: the page puts it in the message box's title (hover) and data-original.
import { lang, t } from './i18n.js';

/**
 * Per kind: a pattern over the English reason (after any "file:line: " prefix)
 * and the dictionary key whose function takes the captured details.
 */
const SHAPES = {
  empty_file: [/^the file is empty$/, 'e7.empty_file'],
  no_rows: [/^the file has a header but no data rows$/, 'e7.no_rows'],
  binary: [/^this is not a CSV text file \(it looks like (.+)\)$/, 'e7.binary'],
  ragged_row: [/^row has (\d+) fields?, the header has (\d+)$/, 'e7.ragged_row'],
  unterminated_quote: [/^a quoted field starts here and is never closed$/, 'e7.unterminated_quote'],
  missing_role: [/^no (\w+) column found \(columns: (.*)\); choose one with the \w+ role$/s, 'e7.missing_role'],
  unknown_column: [/^the (\w+) role names column "(.*)", which is not in the file \(columns: (.*)\)$/s, 'e7.unknown_column'],
  no_usable_rows: [/^no row could be used: (.*)$/s, 'e7.no_usable_rows'],
  too_large: [/^the file is too large to analyse here \((.*)\)$/s, 'e7.too_large'],
  too_much_memory: [/^the file is too large to analyse here: (.*)$/s, 'e7.too_much_memory'],
  bad_spec: [/^bad spec: (.*)$/s, 'e7.bad_spec'],
  bad_rule: [/^bad segment rule, column (\d+): (.*)$/s, 'e7.bad_rule'],
  cancelled: [/^cancelled$/, 'e7.cancelled'],
};

/** Splits "file.csv:12: reason" (or "file.csv: reason") into the place and the reason. */
function place(message) {
  const m = /^(.+?:\d+: |[^:\s][^:]*\.(?:csv|tsv|txt|json): )(.*)$/s.exec(message);
  return m ? [m[1], m[2]] : ['', message];
}

/**
 * The sentence to show for an engine error `e` ({message, kind}) in the page's
 * language: in English the message itself; in another language the translated
 * reason after the same "file:line: " place, when its kind and shape are known.
 */
export function errorText(e) {
  const message = String(e?.message ?? e);
  if (lang() === 'en') return message;
  if (e?.kind === 'crashed') return t('e7.crashed', message);
  const shape = SHAPES[e?.kind];
  if (!shape) return message;
  const [where, reason] = place(message);
  const m = shape[0].exec(reason);
  return m ? `${where}${t(shape[1], ...m.slice(1))}` : message;
}
