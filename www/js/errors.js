// The engine's error sentences in the page's language. The engine speaks English
// (its Display is the sentence the CLI prints too); the page translates the kinds
// it shows most — load errors and spec/rule errors — by the error's `kind`, keeping
// the specific details (file, line, column, names, counts) as they are; the details
// of spec and rule errors by their shape (every one the page's forms can cause). A
// sentence whose shape is not recognised stays English (a detail not recognised: its
// kind translated, the detail marked as English). The English original is always
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

/**
 * How the engine names a token in a rule message ("found the end of the rule") and
 * the dictionary key taking the captured part; a symbol or name in quotes stays.
 */
const TOKENS = [
  [/^the end of the rule$/, 's5.tok.end'],
  [/^the number (.*)$/s, 's5.tok.number'],
  [/^the text "(.*)"$/s, 's5.tok.text'],
];

function token(text) {
  for (const [re, key] of TOKENS) {
    const m = re.exec(text);
    if (m) return t(key, ...m.slice(1));
  }
  return text;
}

/**
 * The details of a rule error (src/segment/lexer.rs, parser.rs, eval.rs): a pattern,
 * its dictionary key, and how each captured part is passed: 'tok' a token
 * description, 'spec' a spec error's reason, else as it is.
 */
const RULE_DETAILS = [
  [/^'!' alone is not an operator: write 'not' or '!='$/, 's5.rule.bang'],
  [/^this name in backquotes is never closed with '`'$/, 's5.rule.backquote_open'],
  [/^an empty name in backquotes$/, 's5.rule.backquote_empty'],
  [/^(.*) is not a number; a duration goes in quotes \(within = "(.*)"\)$/s, 's5.rule.duration_unquoted'],
  [/^(.*) is not a number$/s, 's5.rule.not_number'],
  [/^text goes in double quotes \("CN"\), not single quotes$/, 's5.rule.single_quotes'],
  [/^'(.+)' is not an operator: write '(.+)'$/s, 's5.rule.not_operator'],
  [/^unexpected character '(.+)'$/s, 's5.rule.unexpected_char'],
  [/^unknown escape '\\(.*)' \(use \\", \\\\, \\n or \\t\)$/s, 's5.rule.escape'],
  [/^this text is never closed with '"'$/, 's5.rule.text_open'],
  [/^the rule is empty \(e\.g\. (.*)\)$/s, 's5.rule.empty'],
  [/^this '\)' has no '\(' to close$/, 's5.rule.close_unopened'],
  [/^expected 'and', 'or' or the end of the rule, found (.*)$/s, 's5.rule.expected_and_or', ['tok']],
  [/^this (.+) nests the rule more than (\d+) levels deep \('\(' and 'not' inside each other\)$/s, 's5.rule.too_deep'],
  [/^expected a condition after '(.+)'$/s, 's5.rule.condition_after'],
  [/^expected a condition inside '\( \)'$/, 's5.rule.condition_inside'],
  [/^expected '\)' to close the '\(' at column (\d+), found (.*)$/s, 's5.rule.close_paren', [null, 'tok']],
  [/^unknown function '(.+)' \(functions: (.*)\)$/s, 's5.rule.unknown_function'],
  [/^expected a condition, found the word '(.+)'$/s, 's5.rule.condition_word'],
  [/^expected a condition, found the end of the rule$/, 's5.rule.condition_end'],
  [/^expected a condition \(a name like purchases, did\(…\), 'not' or '\('\), found (.*)$/s, 's5.rule.condition_found', ['tok']],
  [/^expected a comparison \(=, !=, <, <=, >, >= or in\) after (.+), found (.*)$/s, 's5.rule.comparison', [null, 'tok']],
  [/^expected a value after '(.+)' \(a number, or text in double quotes\), found (.*)$/s, 's5.rule.value_after', [null, 'tok']],
  [/^expected '\[' after 'in' \(in \["a", "b"\]\), found (.*)$/s, 's5.rule.list_open', ['tok']],
  [/^the list after 'in' is empty: give at least one value$/, 's5.rule.list_empty'],
  [/^expected a value in the list \(a number, or text in double quotes\), found (.*)$/s, 's5.rule.list_value', ['tok']],
  [/^expected ',' or '\]' in the list, found (.*)$/s, 's5.rule.list_sep', ['tok']],
  [/^(\w+)\(…\) takes an event name in double quotes, like \w+\("purchase"\), found (.*)$/s, 's5.rule.event_arg', [null, 'tok']],
  [/^expected within = "7d" after the event name, found (.*)$/s, 's5.rule.within_expected', ['tok']],
  [/^expected '=' after 'within', found (.*)$/s, 's5.rule.within_eq', ['tok']],
  [/^within takes a duration in double quotes, like "7d", found (.*)$/s, 's5.rule.within_text', ['tok']],
  [/^expected '\)' to close (\w+)\( at column (\d+), found (.*)$/s, 's5.rule.close_call', [null, null, 'tok']],
  [/^expected ',' or '\)' after the event name, found (.*)$/s, 's5.rule.after_event', ['tok']],
  [/^unknown name '(.*)' \(metrics: (.*); properties: (.*)\)$/s, 's5.rule.unknown_name'],
  [/^(.+) is a number: compare it with a number, not (.*)$/s, 's5.rule.number_compare', [null, 'tok']],
  [/^'(.+)' compares numbers, and "(.*)" is text: compare (.+) with = or !=, or with a number$/s, 's5.rule.order_text'],
  [/^this metric needs the purchase event, and (.*)$/s, 's5.rule.needs_purchase', ['spec']],
  [/^no event "(.*)" in the data \(events: (.*)\)$/s, 's5.s.no_event'],
  [/^"(.*)" is not a duration \(write a number and a unit, e\.g\. "7d"\)$/s, 's5.s.duration'],
  [/^"(.*)" is not a duration: it must be a finite number of at least 0$/s, 's5.s.duration_negative'],
  [/^"(.*)" is not a duration: unknown unit "(.*)" \(use s, m, h, d or w, e\.g\. "7d"\)$/s, 's5.s.duration_unit'],
];

/** A spec error's reason: "funnel step 2: no event …" — the part of the spec it names, then the detail. */
const WHAT = /^(funnel_drivers|funnel|retention|repurchase|lifecycle|clv|rfm|tiers|segment|paths|basket)(?: (step (\d+)|drop-off|"from"|"to"|start_event|return_event|purchase_event|event|breakdown|"as_of"|\((?:rfm|tier|clv)\)|from_funnel))?: (.*)$/s;

/** The qualifiers after an analysis's name in WHAT, and their keys. */
const QUALIFIERS = {
  'drop-off': 'dropoff', '"from"': 'from', '"to"': 'to', start_event: 'start_event', return_event: 'return_event',
  purchase_event: 'purchase_event', event: 'event', breakdown: 'breakdown', '"as_of"': 'as_of', '(rfm)': 'rfm', '(tier)': 'tier', '(clv)': 'clv', from_funnel: 'from_funnel',
};

/** The details of a spec error after its WHAT part (src/spec.rs, spec/, analysis/): pattern and key. */
const SPEC_DETAILS = [
  [/^a funnel has 2 to (\d+) steps, this one has (\d+)$/, 's5.s.funnel_steps'],
  [/^breakdown_limit must be at least 1$/, 's5.s.breakdown_limit'],
  [/^"from" \((.*)\) is after "to" \((.*)\)$/s, 's5.s.from_after_to'],
  [/^no event "(.*)" in the data \(events: (.*)\)$/s, 's5.s.no_event'],
  [/^no column "(.*)" \(the table has no property columns\)$/s, 's5.s.no_column_none'],
  [/^no column "(.*)" \(columns: (.*)\)$/s, 's5.s.no_column'],
  [/^no purchase event found \(looked for (.*) …\); set "purchase_event" to one of the events: (.*)$/s, 's5.s.no_purchase'],
  [/^periods must be between 1 and (\d+), not (.*)$/s, 's5.s.periods'],
  [/^the revenue measure needs a revenue column \(map one with the revenue role\)$/, 's5.s.revenue_measure'],
  [/^within_days needs at least one number of days, e\.g\. \[30, 60, 90\]$/, 's5.s.within_days'],
  [/^calibration_end "(.*)" is not a date like "1997-09-30"$/s, 's5.s.calibration_date'],
  [/^calibration_end (\S+) is after the last event \((\S+)\); choose a date up to it, or null for the last event's date$/, 's5.s.calibration_after'],
  [/^horizon must be between 1 and (\d+) (day|week)s, not (.*)$/s, 's5.s.horizon'],
  [/^discount_rate is a rate per (day|week) between 0 and 1 \(e\.g\. 0\.01\), not (.*)$/s, 's5.s.discount'],
  [/^high_share and mid_share are shares of the customers between 0 and 1 that add up to at most 1 \(e\.g\. 0\.2 and 0\.3\), not (.*) and (.*)$/s, 's5.s.clv_shares'],
  [/^at_risk_below is a probability of being alive between 0 and 1 \(e\.g\. 0\.5\), not (.*)$/s, 's5.s.at_risk'],
  [/^no customer made a purchase on or before the calibration end (.*)$/s, 's5.s.no_customer'],
  [/^the table is empty$/, 's5.s.table_empty'],
  [/^by share, "(high|mid)" is a share of the buyers between 0 and 1 \(e\.g\. 0\.2\), not (.*)$/s, 's5.s.tier_share'],
  [/^by share, "mid" \((.*)\) is the top share down to the end of the mid tier and cannot be below "high" \((.*)\)$/s, 's5.s.tier_mid_below'],
  [/^by value, give both "high" and "mid" as (\w+) values \(e\.g\. "high": 500, "mid": 100\)$/, 's5.s.tier_values'],
  [/^by value, "high" \((.*)\) must be a number at least "mid" \((.*)\)$/s, 's5.s.tier_value_order'],
  [/^steps is the number of events per path, 1 to (\d+), not (.*)$/s, 's5.s.path_steps'],
  [/^top must be at least 1$/, 's5.s.top'],
  [/^min_share is a share of all events between 0 and 1 \(e\.g\. 0\.01\), not (.*)$/s, 's5.s.min_share'],
  [/^dropped_after_step (\d+) is not between 1 and (\d+) \(nobody drops off after the last step, (\d+)\)$/, 's5.s.dropped_after'],
  [/^min_support is a share of the baskets above 0 and at most 1 \(e\.g\. 0\.01\), not (.*)$/s, 's5.s.min_support'],
  [/^min_confidence is between 0 and 1 \(e\.g\. 0\.1\), not (.*)$/s, 's5.s.min_confidence'],
  [/^max_len is the largest item set, 2 to (\d+), not (.*)$/s, 's5.s.max_len'],
  [/^the table has no item column; name one with "item" \((.*)\)$/s, 's5.s.no_item_column'],
  [/^no item "(.*)" in the column "(.*)"$/s, 's5.s.no_item'],
  [/^no RFM segment "(.*)" \(segments: (.*)\)$/s, 's5.s.no_rfm'],
  [/^no tier "(.*)" \(tiers: (.*)\)$/s, 's5.s.no_tier'],
  [/^no CLV group "(.*)" \(groups: (.*)\)$/s, 's5.s.no_clv_group'],
  [/^no user "(.*)" in the data$/s, 's5.s.no_user'],
  [/^"(.*)" is not a duration \(write a number and a unit, e\.g\. "7d"\)$/s, 's5.s.duration'],
  [/^"(.*)" is not a duration: it must be a finite number of at least 0$/s, 's5.s.duration_negative'],
  [/^"(.*)" is not a duration: unknown unit "(.*)" \(use s, m, h, d or w, e\.g\. "7d"\)$/s, 's5.s.duration_unit'],
  [/^invalid type: (.*), expected (.*)$/s, 's5.s.invalid_type'],
  [/^invalid value: (.*), expected (.*)$/s, 's5.s.invalid_value'],
];

/** The first of `shapes` matching `text`, in the page's language (its parts passed as marked), or null. */
function detail(shapes, text) {
  for (const [re, key, kinds = []] of shapes) {
    const m = re.exec(text);
    if (!m) continue;
    const parts = m.slice(1).map((p, i) => (kinds[i] === 'tok' ? token(p) : kinds[i] === 'spec' ? specReason(p) ?? p : p));
    return t(key, ...parts);
  }
  return null;
}

/** A spec error's reason (after "bad spec: ") in the page's language, or null when its shape is unknown. */
function specReason(why) {
  const m = WHAT.exec(why);
  if (!m) return detail(SPEC_DETAILS, why);
  const [, base, qualifier, step, rest] = m;
  const text = detail(SPEC_DETAILS, rest);
  if (text === null) return null;
  let what = t(`s5.w.${base}`);
  if (step !== undefined) what += t('s5.q.step', step);
  else if (qualifier !== undefined) what += t(`s5.q.${QUALIFIERS[qualifier]}`);
  return t('s5.what', what, text);
}

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
  if (!m) return message;
  // The details of spec and rule errors, when their shape is known.
  if (e.kind === 'bad_spec') {
    const why = specReason(m[1]);
    if (why !== null) return `${where}${t('s5.e.bad_spec', why)}`;
  } else if (e.kind === 'bad_rule') {
    const why = detail(RULE_DETAILS, m[2]);
    if (why !== null) return `${where}${t('s5.e.bad_rule', m[1], why)}`;
  }
  return `${where}${t(shape[1], ...m.slice(1))}`;
}
