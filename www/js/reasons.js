// The engine's explanations of what it detected while loading — why a column got its
// role, its type, why an encoding or a date order was chosen — in the page's
// language. The engine writes them in English (the CLI's `inspect` prints the same);
// the page translates the known shapes, keeping the names and values they quote, and
// leaves any other sentence as it is. Like errors.js, by pattern over the engine's
// sentence (src/ingest/roles.rs, encoding.rs, timestamp.rs; src/table/meta.rs).
import { lang, t } from './i18n.js';
import { timeFormatText } from './sentences.js';

/** Shapes of the engine's sentences, each with the dictionary key taking the captured parts. */
const SHAPES = [
  [/^no other role fits: usable in filters and breakdowns$/, 'x7.property'],
  [/^header "(.*)" is a usual name for the (user id|time|event name|revenue amount|order id|product|property)$/s, 'x7.usual_name'],
  [/^its values are dates and times$/, 'x7.dates'],
  [/^its values read as (.*)$/s, 'x7.read_as'],
  [/^the first column named like an id \("(.*)"\)$/s, 'x7.first_id'],
  [/^you unset the (\w+) role$/, 'x7.unset'],
  [/^set by you$/, 'x7.set_by_you'],
  [/^byte order mark$/, 'x7.bom'],
  [/^plain ASCII text$/, 'x7.ascii'],
  [/^valid UTF-8$/, 'x7.utf8'],
  [/^not UTF-8; the bytes look like (.*)$/s, 'x7.looks_like'],
  [/^(day first \(DD\/MM\/YYYY\)|month first \(MM\/DD\/YYYY\)): line (\d+) has "(.*)", which reads only that way$/s, 'x7.order_line'],
  [/^assumed day first \(DD\.MM\.YYYY\): every date reads both ways; change it if wrong$/, 'x7.assumed_dmy'],
  [/^assumed month first \(MM\/DD\/YYYY\): every date reads both ways; change it if wrong$/, 'x7.assumed_mdy'],
  [/^no ambiguous dates$/, 'x7.no_ambiguous'],
];

/** The malformed-bytes note the loader appends to an encoding reason. */
const MALFORMED = /; (\d+) malformed byte sequence\(s\) were replaced by \uFFFD \(choose another encoding if text looks wrong\)$/;

/** An engine explanation (`reason`) in the page's language; unknown shapes stay as they are. */
export function reasonText(reason) {
  if (!reason || lang() === 'en') return reason;
  let text = reason;
  let tail = '';
  const bad = MALFORMED.exec(text);
  if (bad) {
    text = text.slice(0, bad.index);
    tail = t('x7.malformed', bad[1]);
  }
  for (const [re, key] of SHAPES) {
    const m = re.exec(text);
    if (m) return t(key, ...m.slice(1).map((part) => (key === 'x7.read_as' ? timeFormatText(part, lang()) : part))) + tail;
  }
  return reason;
}

/** A column type's name ("integer", "text", …) in the page's language. */
export function typeText(type) {
  return ['integer', 'number', 'time', 'boolean', 'text', 'empty'].includes(type) ? t(`x7.type.${type}`) : type;
}
