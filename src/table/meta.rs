//! What is known about how a table was read: columns, their types and roles (with
//! the reason each role was guessed), the dialect, and the rows skipped by reason.

use crate::zone::Zone;

/// The part a column plays in the event table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Who did it (required).
    User,
    /// When (required).
    Time,
    /// What: the event name. Without one, every row is the event `purchase`.
    Event,
    /// Money: a number.
    Revenue,
    /// An order or basket id.
    Order,
    /// A product or SKU.
    Item,
    /// Any other column, usable in filters and breakdowns.
    Property,
}

impl Role {
    /// Every role, in the order they are shown.
    pub const ALL: [Role; 7] = [
        Role::User,
        Role::Time,
        Role::Event,
        Role::Revenue,
        Role::Order,
        Role::Item,
        Role::Property,
    ];
    /// The lowercase name used in options and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Time => "time",
            Role::Event => "event",
            Role::Revenue => "revenue",
            Role::Order => "order",
            Role::Item => "item",
            Role::Property => "property",
        }
    }
    /// The role with this lowercase name.
    pub fn from_name(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == name)
    }
}

/// The type detected from a column's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// Whole numbers.
    Integer,
    /// Decimal numbers.
    Number,
    /// Dates or timestamps.
    Time,
    /// true/false values.
    Boolean,
    /// Any text.
    Text,
    /// No value in the sample.
    Empty,
}

impl ColumnType {
    /// The lowercase name used in JSON.
    pub fn name(self) -> &'static str {
        match self {
            ColumnType::Integer => "integer",
            ColumnType::Number => "number",
            ColumnType::Time => "time",
            ColumnType::Boolean => "boolean",
            ColumnType::Text => "text",
            ColumnType::Empty => "empty",
        }
    }
}

/// One input column: name, detected type, role, and why the role was chosen.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnInfo {
    /// The header text (made unique: a repeated name gets ` (2)`; an empty one `column N`).
    pub name: String,
    /// Type detected from the sampled values.
    pub kind: ColumnType,
    /// The role it plays.
    pub role: Role,
    /// Why: "header is \"customer_id\"", "set by you", "values look like dates"…
    pub reason: String,
}

/// Order of day and month in dates such as `03/04/2024`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateOrder {
    /// Decide from the data (a field above 12 tells; otherwise month first).
    #[default]
    Auto,
    /// Day first: `DD/MM/YYYY`.
    DayFirst,
    /// Month first: `MM/DD/YYYY`.
    MonthFirst,
}

impl DateOrder {
    /// The name used in options and JSON: `auto`, `dmy`, `mdy`.
    pub fn name(self) -> &'static str {
        match self {
            DateOrder::Auto => "auto",
            DateOrder::DayFirst => "dmy",
            DateOrder::MonthFirst => "mdy",
        }
    }
}

/// Rows skipped for one reason: how many, and the first few line numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct SkipTally {
    /// The reason, as a person reads it ("missing user id").
    pub reason: String,
    /// How many rows.
    pub count: u64,
    /// The first physical line numbers (1-based), at most [`SkipTally::MAX_LINES`].
    pub lines: Vec<u64>,
}

impl SkipTally {
    /// How many line numbers are kept per reason.
    pub const MAX_LINES: usize = 10;
}

/// How a table was read.
#[derive(Debug, Clone)]
pub struct TableMeta {
    /// The input's name (path or dropped file name).
    pub file: String,
    /// The text encoding used ("UTF-8", "GBK", "windows-1252"…).
    pub encoding: String,
    /// Why that encoding ("byte order mark", "valid UTF-8", "detected", "set by you").
    pub encoding_reason: String,
    /// The field delimiter.
    pub delimiter: u8,
    /// Day/month order used for ambiguous dates, after `Auto` was decided.
    pub date_order: DateOrder,
    /// Why that order ("a first field above 12 on line 8", "set by you"…).
    pub date_order_reason: String,
    /// The time format used for the time column (e.g. "YYYY-MM-DD hh:mm:ss").
    pub time_format: String,
    /// Zone in which timestamps without an offset are read, and periods are cut.
    pub time_zone: Zone,
    /// Data rows read (loaded + skipped).
    pub rows_read: u64,
    /// Every input column with its role.
    pub columns: Vec<ColumnInfo>,
    /// Skipped rows by reason (only reasons that occurred).
    pub skipped: Vec<SkipTally>,
    /// True when the file has no event column and every row is a `purchase`.
    pub order_file: bool,
}

impl TableMeta {
    /// Metadata for a table built in code (tests, the demo): UTC, comma, UTF-8.
    pub fn synthetic(file: &str) -> Self {
        Self {
            file: file.to_string(),
            encoding: "UTF-8".into(),
            encoding_reason: "built in code".into(),
            delimiter: b',',
            date_order: DateOrder::Auto,
            date_order_reason: String::new(),
            time_format: "milliseconds".into(),
            time_zone: Zone::utc(),
            rows_read: 0,
            columns: Vec::new(),
            skipped: Vec::new(),
            order_file: false,
        }
    }
    /// The column that plays `role`, if any (for user/time/event/revenue).
    pub fn column_for(&self, role: Role) -> Option<&ColumnInfo> {
        self.columns.iter().find(|c| c.role == role)
    }
}
