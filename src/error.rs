//! The core error: what went wrong (a kind) and where (file and line).
//!
//! `Display` is the sentence a user reads, in the page, in the JS `Error` and in the
//! CLI alike: `orders.csv:17: row has 5 fields, the header has 4`.

use std::fmt;

/// Where an error happened in the input: the file name and, when known, the
/// 1-based physical line (a quoted newline counts as a line).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    /// The input's name as the user gave it (a path or a dropped file's name).
    pub file: String,
    /// 1-based physical line, when the error belongs to one line.
    pub line: Option<u64>,
}

/// What went wrong. Each variant's text is a complete reason a person understands.
#[derive(Debug, Clone, PartialEq)]
pub enum ErrorKind {
    /// The input holds no bytes at all.
    EmptyFile,
    /// The input has a header line but no data row.
    NoRows,
    /// The input looks like a binary file (the detected kind is named).
    Binary(String),
    /// A row's field count differs from the header's.
    RaggedRow { expected: usize, found: usize },
    /// A quoted field is never closed.
    UnterminatedQuote,
    /// A required role has no column (the role name, and the columns there are).
    MissingRole {
        role: &'static str,
        columns: Vec<String>,
    },
    /// A role was mapped to a column that does not exist.
    UnknownColumn {
        role: String,
        column: String,
        columns: Vec<String>,
    },
    /// Every row was skipped (the reasons are in the message).
    NoUsableRows(String),
    /// The input is larger than can be held in memory here.
    TooLarge { bytes: u64, limit: u64 },
    /// Loading the input would need more memory than may be used here: the
    /// projected peak, the limit, the projected rows and the declared file size.
    TooMuchMemory {
        estimate: u64,
        limit: u64,
        rows: u64,
        file_bytes: u64,
    },
    /// A loading option is invalid (unknown time zone, encoding, role name…).
    BadOption(String),
    /// The CSV parser rejected the input.
    Csv(String),
    /// The spec JSON is malformed or names things that are not in the data.
    BadSpec(String),
    /// A segment rule has a mistake at a 1-based column (in characters).
    BadRule { column: usize, message: String },
    /// A result table to export is malformed (a row's length, no column).
    BadTable(String),
    /// The work was cancelled by the user.
    Cancelled,
    /// Reading the input failed (the CLI's file system).
    Io(String),
}

/// The core error: a kind and where it happened.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    /// What went wrong.
    pub kind: ErrorKind,
    /// Where, when the error belongs to the input.
    pub location: Option<Location>,
}

/// The result type of the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error with no location (a bad spec, a cancelled load).
    pub fn new(kind: ErrorKind) -> Self {
        Self {
            kind,
            location: None,
        }
    }

    /// An error in `file`, on `line` when given.
    pub fn at(kind: ErrorKind, file: &str, line: Option<u64>) -> Self {
        Self {
            kind,
            location: Some(Location {
                file: file.to_string(),
                line,
            }),
        }
    }

    /// A bad-spec error with the given reason.
    pub fn spec(reason: impl Into<String>) -> Self {
        Self::new(ErrorKind::BadSpec(reason.into()))
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::EmptyFile => write!(f, "the file is empty"),
            ErrorKind::NoRows => write!(f, "the file has a header but no data rows"),
            ErrorKind::Binary(kind) => {
                write!(f, "this is not a CSV text file (it looks like {kind})")
            }
            ErrorKind::RaggedRow { expected, found } => write!(
                f,
                "row has {found} field{}, the header has {expected}",
                if *found == 1 { "" } else { "s" }
            ),
            ErrorKind::UnterminatedQuote => {
                write!(f, "a quoted field starts here and is never closed")
            }
            ErrorKind::MissingRole { role, columns } => write!(
                f,
                "no {role} column found (columns: {}); choose one with the {role} role",
                columns.join(", ")
            ),
            ErrorKind::UnknownColumn {
                role,
                column,
                columns,
            } => write!(
                f,
                "the {role} role names column \"{column}\", which is not in the file (columns: {})",
                columns.join(", ")
            ),
            ErrorKind::NoUsableRows(why) => write!(f, "no row could be used: {why}"),
            ErrorKind::TooLarge { bytes, limit } => write!(
                f,
                "the file is too large to analyse here ({} MB; the limit is about {} MB)",
                bytes / 1_000_000,
                limit / 1_000_000
            ),
            ErrorKind::TooMuchMemory {
                estimate,
                limit,
                rows,
                file_bytes,
            } => write!(
                f,
                "the file is too large to analyse here: its {} would need about {} of memory \
                 (about {} rows, estimated from its size and the rows read so far), more than the \
                 limit of {}; split it into smaller files (e.g. by date range)",
                size(*file_bytes),
                size(*estimate),
                thousands(*rows),
                size(*limit)
            ),
            ErrorKind::BadOption(why) => write!(f, "{why}"),
            ErrorKind::Csv(why) => write!(f, "{why}"),
            ErrorKind::BadSpec(why) => write!(f, "bad spec: {why}"),
            ErrorKind::BadRule { column, message } => {
                write!(f, "bad segment rule, column {column}: {message}")
            }
            ErrorKind::BadTable(why) => write!(f, "bad table: {why}"),
            ErrorKind::Cancelled => write!(f, "cancelled"),
            ErrorKind::Io(why) => write!(f, "{why}"),
        }
    }
}

/// A size in decimal units: `2.9 MB`, `412 MB`, `3,221 MB`, `200.0 GB`.
fn size(bytes: u64) -> String {
    let b = bytes as f64;
    if b >= 10e9 {
        format!("{:.1} GB", b / 1e9)
    } else if b >= 10e6 {
        format!("{} MB", thousands(bytes / 1_000_000))
    } else {
        format!("{:.1} MB", b / 1e6)
    }
}

/// `1234567` as `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(Location {
                file,
                line: Some(line),
            }) => write!(f, "{file}:{line}: {}", self.kind),
            Some(Location { file, line: None }) => write!(f, "{file}: {}", self.kind),
            None => write!(f, "{}", self.kind),
        }
    }
}

impl std::error::Error for Error {}
