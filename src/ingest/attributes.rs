//! User attribute files: a second CSV keyed by user id (plan, region, signup
//! source) whose columns become user properties of the event table, usable in
//! segment rules. Read with the event file's machinery: encoding detection and
//! decoding, delimiter sniffing, the quote-aware record splitter (physical lines).
//!
//! Rules (`docs/segments.md`): the id column is the one named, else the first;
//! the first row is the header; every row has the header's field count; an empty
//! id or an id on two rows is an error naming the line(s) (an attribute file has
//! one row per user, and a silent "last row wins" would hide a bad join). Ids the
//! event table does not have are reported (count and the first 20), never an
//! error; users without a row have no value.

use std::collections::HashMap;

use serde::Serialize;

use super::dialect::{RecordSplitter, sniff_delimiter};
use super::encoding::{Refusal, TextDecoder, detect};
use super::fields::{Fields, strip_terminator};
use crate::error::{Error, ErrorKind, Result};
use crate::table::{AttributeColumn, EventTable, UserAttributes};

/// How many unmatched ids are listed.
pub const UNMATCHED_LISTED: usize = 20;

/// What attaching an attribute file did.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AttachReport {
    /// The file's name.
    pub file: String,
    /// The user-id column.
    pub id_column: String,
    /// The attribute columns (every other column).
    pub columns: Vec<String>,
    /// Data rows read.
    pub rows: u64,
    /// Rows whose id is a user of the event table.
    pub matched_users: u64,
    /// Users of the event table with no row.
    pub users_without_row: u64,
    /// Rows whose id the event table does not have.
    pub unmatched: u64,
    /// The first of those ids (at most 20), in file order.
    pub unmatched_ids: Vec<String>,
}

/// Reads an attribute file and attaches it to `table` (replacing any before).
/// `id_column` names the user-id column (default: the first).
pub fn attach(
    table: EventTable,
    file: &str,
    bytes: &[u8],
    id_column: Option<&str>,
) -> Result<(EventTable, AttachReport)> {
    let (attributes, report) = read(&table, file, bytes, id_column)?;
    Ok((table.with_attributes(attributes), report))
}

/// Reads an attribute file against the users of `table`.
pub fn read(
    table: &EventTable,
    file: &str,
    bytes: &[u8],
    id_column: Option<&str>,
) -> Result<(UserAttributes, AttachReport)> {
    let at = |kind: ErrorKind, line: Option<u64>| Error::at(kind, file, line);
    if bytes.is_empty() {
        return Err(at(ErrorKind::EmptyFile, None));
    }
    let detected =
        detect(&bytes[..bytes.len().min(256 * 1024)], None, true).map_err(|why| match why {
            Refusal::Binary(kind) => at(ErrorKind::Binary(kind.to_string()), None),
            Refusal::UnknownLabel(why) => Error::new(ErrorKind::BadOption(why)),
        })?;
    let mut text = String::with_capacity(bytes.len());
    TextDecoder::new(detected.encoding).decode(
        &bytes[detected.bom_len.min(bytes.len())..],
        &mut text,
        true,
    );
    let text = text.into_bytes();
    let (delimiter, _) = sniff_delimiter(&text[..text.len().min(256 * 1024)]);
    let mut splitter = RecordSplitter::new(delimiter);
    let mut records = Vec::new();
    splitter.scan(&text, &mut records);
    match splitter.finish(&text) {
        Ok(Some(r)) => records.push(r),
        Ok(None) => {}
        Err(line) => return Err(at(ErrorKind::UnterminatedQuote, Some(line))),
    }
    let text = String::from_utf8_lossy(&text);
    let record = |r: &super::dialect::Record| strip_terminator(&text[r.start..r.end]).to_string();
    let mut fields = Fields::new();
    let Some((head, rows)) = records.split_first() else {
        return Err(at(ErrorKind::EmptyFile, None));
    };
    let head_text = record(head);
    fields.split(&head_text, delimiter);
    let header: Vec<String> = (0..fields.len())
        .map(|i| fields.get(&head_text, i).trim().to_string())
        .collect();
    if rows.is_empty() {
        return Err(at(ErrorKind::NoRows, None));
    }
    let id_at = match id_column {
        None => 0,
        Some(name) => header.iter().position(|h| h == name).ok_or_else(|| {
            at(
                ErrorKind::UnknownColumn {
                    role: "user".into(),
                    column: name.into(),
                    columns: header.clone(),
                },
                None,
            )
        })?,
    };
    if header.len() < 2 {
        return Err(at(
            ErrorKind::Csv(format!(
                "an attribute file needs a user-id column and at least one attribute column; this one has only \"{}\"",
                header.first().map_or("", String::as_str)
            )),
            Some(head.line),
        ));
    }
    let names: Vec<String> = header
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != id_at)
        .map(|(_, h)| h.clone())
        .collect();
    let mut columns: Vec<AttributeColumn> = names
        .iter()
        .map(|n| AttributeColumn::new(n.clone(), table.user_count()))
        .collect();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut report = AttachReport {
        file: file.to_string(),
        id_column: header[id_at].clone(),
        columns: names,
        rows: 0,
        matched_users: 0,
        users_without_row: 0,
        unmatched: 0,
        unmatched_ids: Vec::new(),
    };
    for r in rows {
        let line = record(r);
        if line.trim().is_empty() && r.fields <= 1 {
            continue;
        }
        if r.fields != header.len() {
            return Err(at(
                ErrorKind::RaggedRow {
                    expected: header.len(),
                    found: r.fields,
                },
                Some(r.line),
            ));
        }
        fields.split(&line, delimiter);
        report.rows += 1;
        let id = fields.get(&line, id_at).trim();
        if id.is_empty() {
            return Err(at(
                ErrorKind::Csv(format!(
                    "the user id (column \"{}\") is empty",
                    header[id_at]
                )),
                Some(r.line),
            ));
        }
        if let Some(first) = seen.insert(id.to_string(), r.line) {
            return Err(at(
                ErrorKind::Csv(format!(
                    "user id \"{id}\" is also on line {first}: an attribute file has one row per user"
                )),
                Some(r.line),
            ));
        }
        let Some(user) = table.user_key(id) else {
            report.unmatched += 1;
            if report.unmatched_ids.len() < UNMATCHED_LISTED {
                report.unmatched_ids.push(id.to_string());
            }
            continue;
        };
        report.matched_users += 1;
        let mut j = 0;
        for i in 0..header.len() {
            if i != id_at {
                columns[j].set(user, fields.get(&line, i));
                j += 1;
            }
        }
    }
    report.users_without_row = table.user_count() as u64 - report.matched_users;
    let attributes = UserAttributes::new(file.to_string(), report.id_column.clone(), columns);
    Ok((attributes, report))
}
