// The texts the engine writes into results, in a reader's language: a repeat-purchase
// driver's behaviour label and sentence, a CLV warning, the note on a missing
// Gamma-Gamma fit, the time format of a load. In English the engine's own text is
// shown as it is; in another language the text is built from the result's structured
// fields (a driver's event, property, value, rates and counts; a warning's `code` and
// numbers), or, for the two free texts (the Gamma-Gamma note, the time format), from
// their known shapes, leaving an unknown one as it is. Every function takes the
// language code, so the report (built in its own language) uses them too.
import { tIn } from './i18n.js';

const LOCALES = { en: 'en-US', zh: 'zh-CN' };

/** A share as a whole percentage, as the engine writes it: "31%", "<1%", ">99%". */
function wholePct(p, code) {
  const r = Math.round(p * 100);
  if (r === 0 && p > 0) return '<1%';
  if (r === 100 && p < 1) return '>99%';
  return new Intl.NumberFormat(LOCALES[code], { style: 'percent', maximumFractionDigits: 0 }).format(r / 100);
}

/** A driver's behaviour: "review" or "review (rating = 5)" — the event and property as the data names them. */
export function driverLabel(d, code) {
  if (code === 'en') return d.behaviour;
  return d.property === null || d.property === undefined ? d.event : tIn(code, 's5.rp.behaviour', d.event, d.property, d.value);
}

/**
 * A driver's sentence: "Buyers who did review within 7 days repeat 31% vs 6% (n = 120
 * vs 2,400)"; `days` is the result's `drivers_within_days`.
 */
export function driverSentence(d, days, code) {
  if (code === 'en') return d.sentence;
  const n = new Intl.NumberFormat(LOCALES[code]);
  return tIn(code, 's5.rp.sentence', driverLabel(d, code), days, wholePct(d.with_rate, code), wholePct(d.without_rate, code),
    n.format(d.with_users), n.format(d.without_users));
}

/**
 * A CLV result's warnings as sentences: the engine's in English, else from
 * `warning_details` (an unknown code keeps its English sentence). `count` formats the
 * numbers of customers a warning quotes (the report passes its small-group
 * suppression; it writes the warnings from the details in English too).
 */
export function clvWarnings(r, code, count = null) {
  const details = r.warning_details ?? [];
  if ((code === 'en' && count === null) || details.length !== r.warnings.length) return r.warnings;
  const int = new Intl.NumberFormat(LOCALES[code]);
  const n = { format: count ?? ((x) => int.format(x)) };
  return details.map((w, i) => {
    const key = `s5.clv.w.${w.code}`;
    if (tIn(code, key) === key) return r.warnings[i];
    switch (w.code) {
      case 'few_repeat_buyers': return tIn(code, key, n.format(w.repeat_buyers), n.format(w.customers), w.calibration_end, n.format(w.minimum));
      case 'bgnbd_not_converged': return tIn(code, key, n.format(w.iterations));
      case 'spend_frequency_correlated': return tIn(code, key, w.r.toFixed(2));
      case 'gamma_gamma_infinite_mean': return tIn(code, key, w.q.toFixed(3));
      case 'negative_revenue_days': return tIn(code, key, n.format(w.days));
      default: return tIn(code, key);
    }
  });
}

/** Why there is no Gamma-Gamma fit (the engine's `gamma_gamma_note`), in language `code`. */
export function gammaGammaNote(note, code) {
  if (!note || code === 'en') return note;
  if (note === 'revenue is off in the spec') return tIn(code, 's5.clv.gg.revenue_off');
  if (note === 'the table has no revenue column') return tIn(code, 's5.clv.gg.no_revenue');
  const m = /^(\d+) customer\(s\) with a positive repeat spend in calibration: Gamma-Gamma needs at least (\d+)$/.exec(note);
  return m ? tIn(code, 's5.clv.gg.few', m[1], m[2]) : note;
}

/** The engine's descriptions of one time format (src/ingest/timestamp.rs) and their keys. */
const FORMATS = {
  'ISO 8601 (YYYY-MM-DD, optional time and offset)': 's5.tf.iso',
  'DD/MM/YYYY (optional time)': 's5.tf.dmy',
  'MM/DD/YYYY (optional time)': 's5.tf.mdy',
  YYYYMMDD: 's5.tf.compact',
  'Unix seconds': 's5.tf.unix_s',
  'Unix milliseconds': 's5.tf.unix_ms',
  milliseconds: 's5.tf.ms',
  'unknown (no readable time in the first rows)': 's5.tf.unknown',
};

/**
 * The time format a load found (the summary's `time_format`: one description, or
 * "mixed: A (12), B (3)"), in language `code`; an unknown shape stays as it is.
 */
export function timeFormatText(format, code) {
  if (!format || code === 'en') return format;
  if (format in FORMATS) return tIn(code, FORMATS[format]);
  const mixed = /^mixed: (.*)$/s.exec(format);
  if (!mixed) return format;
  // "A (12), B (3)": the descriptions hold commas of their own, so each part is read
  // as a known description followed by its count.
  const parts = [];
  let rest = mixed[1];
  while (rest) {
    const desc = Object.keys(FORMATS).find((k) => rest.startsWith(`${k} (`));
    const m = desc && /^ \((\d+)\)(, |$)/.exec(rest.slice(desc.length));
    if (!m) return format;
    parts.push(tIn(code, 's5.tf.part', tIn(code, FORMATS[desc]), m[1]));
    rest = rest.slice(desc.length + m[0].length);
  }
  return tIn(code, 's5.tf.mixed', parts);
}
