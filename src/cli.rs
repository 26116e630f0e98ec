//! The CLI's argument parsing and commands (native only). Thin: every command is a
//! few calls into the library.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use tidemark::chart::lang::Lang;
use tidemark::chart::svgs::{chart_names, report_svgs};
use tidemark::error::{Error, ErrorKind};
use tidemark::ingest::{LoadOptions, load};
use tidemark::progress::Silent;
use tidemark::report::{Report, Summary};
use tidemark::spec::Spec;

/// The size of the charts `run --svg` writes, in pixels (the heatmap may grow
/// taller with its cohorts).
const SVG_SIZE: (u32, u32) = (900, 480);
use tidemark::table::{DateOrder, EventTable};

/// Customer analytics over an event or order CSV.
#[derive(Parser)]
#[command(name = "tidemark", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print what was loaded: rows, users, columns and roles, events, skipped rows.
    Inspect {
        /// The CSV file.
        data: PathBuf,
        #[command(flatten)]
        load: LoadFlags,
    },
    /// Run an analysis spec (JSON, see ANALYSES.md) and print the result JSON.
    Run {
        /// The CSV file.
        data: PathBuf,
        /// The spec: a JSON file, or `-` for standard input.
        #[arg(long)]
        spec: String,
        /// Also draw the result's charts as SVG: the main chart into FILE, any
        /// further chart beside it as STEM-NAME.svg (retention: heatmap in FILE,
        /// STEM-curve.svg, with measure=revenue STEM-ltv.svg; repurchase: gap
        /// histogram in FILE, STEM-by-month.svg, STEM-rates.svg; funnel and
        /// lifecycle, rfm, paths, funnel_drivers, basket: one chart). Not for clv or
        /// tiers, which have no chart.
        #[arg(long, value_name = "FILE")]
        svg: Option<PathBuf>,
        /// The language of the chart texts in the SVGs: en (default) or zh
        /// (Simplified Chinese). The result JSON is the same in both.
        #[arg(long, default_value = "en", value_parser = ["en", "zh"])]
        lang: String,
        #[command(flatten)]
        load: LoadFlags,
    },
    /// Print, as CSV, the users who reached funnel step K but not step K+1.
    Dropoff {
        /// The CSV file.
        data: PathBuf,
        /// A funnel spec file.
        #[arg(long)]
        spec: String,
        /// The step (1-based).
        #[arg(long)]
        step: usize,
        #[command(flatten)]
        load: LoadFlags,
    },
    /// Print the built-in demo event log as CSV.
    Demo,
}

#[derive(Args)]
struct LoadFlags {
    /// Role overrides: `user=COL,time=COL,event=COL,revenue=COL,order=COL,item=COL`;
    /// `event=` (empty) means "no event column".
    #[arg(long)]
    roles: Option<String>,
    /// IANA time zone for timestamps without an offset (default UTC).
    #[arg(long)]
    tz: Option<String>,
    /// Day/month order of ambiguous dates.
    #[arg(long, default_value = "auto", value_parser = ["auto", "dmy", "mdy"])]
    date_order: String,
    /// Text encoding label (e.g. gbk, windows-1252); detected when omitted.
    #[arg(long)]
    encoding: Option<String>,
    /// Field delimiter (one character, or `tab`); detected when omitted.
    #[arg(long)]
    delimiter: Option<String>,
    /// The most memory a load may need, in MB (default 32 GiB): a file whose
    /// projected load is larger is refused after its first 256 KB.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    max_memory_mb: Option<u64>,
    /// A user attribute file (CSV keyed by user id): its columns become user
    /// properties for segment rules. How many users matched, and the ids not in
    /// the data, are printed to standard error.
    #[arg(long, value_name = "FILE")]
    attributes: Option<PathBuf>,
    /// The user-id column of the attribute file (default: its first column).
    #[arg(long, value_name = "COL", requires = "attributes")]
    attributes_id: Option<String>,
}

impl LoadFlags {
    fn options(&self) -> Result<LoadOptions, Error> {
        let bad = |why: String| Error::new(ErrorKind::BadOption(why));
        let mut roles = BTreeMap::new();
        for pair in self
            .roles
            .iter()
            .flat_map(|r| r.split(','))
            .filter(|p| !p.trim().is_empty())
        {
            let (role, col) = pair
                .split_once('=')
                .ok_or_else(|| bad(format!("--roles: \"{pair}\" is not ROLE=COLUMN")))?;
            let col = col.trim();
            roles.insert(
                role.trim().to_string(),
                (!col.is_empty()).then(|| col.to_string()),
            );
        }
        let delimiter = match self.delimiter.as_deref() {
            None => None,
            Some("tab") | Some("\\t") => Some(b'\t'),
            Some(d) if d.len() == 1 => Some(d.as_bytes()[0]),
            Some(d) => {
                return Err(bad(format!(
                    "--delimiter \"{d}\" must be one character or `tab`"
                )));
            }
        };
        Ok(LoadOptions {
            roles,
            time_zone: self.tz.clone(),
            date_order: match self.date_order.as_str() {
                "dmy" => DateOrder::DayFirst,
                "mdy" => DateOrder::MonthFirst,
                _ => DateOrder::Auto,
            },
            encoding: self.encoding.clone(),
            delimiter,
            memory_limit: self.max_memory_mb.map(|mb| mb.saturating_mul(1_000_000)),
        })
    }
}

/// Runs the CLI; the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match execute(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}

fn execute(command: Command) -> Result<(), Error> {
    match command {
        Command::Inspect { data, load } => {
            let table = read_table(&data, &load)?;
            print_json(&Summary::of(&table))
        }
        Command::Run {
            data,
            spec,
            svg,
            lang,
            load,
        } => {
            let spec = read_spec(&spec)?;
            if svg.is_some() && chart_names(&spec).is_empty() {
                return Err(Error::new(ErrorKind::BadSpec(
                    "--svg: this analysis has no chart (funnel, retention, repurchase, \
                     lifecycle and rfm have); leave --svg out"
                        .into(),
                )));
            }
            let table = read_table(&data, &load)?;
            let report = tidemark::analysis::run(&table, &spec)?;
            if let Some(path) = svg {
                tidemark::chart::lang::with(Lang::from_tag(&lang), || write_svgs(&report, &path))?;
            }
            print_json(&report)
        }
        Command::Dropoff {
            data,
            spec,
            step,
            load,
        } => {
            let Spec::Funnel(funnel) = read_spec(&spec)? else {
                return Err(Error::at(
                    ErrorKind::BadSpec(
                        "dropoff needs a funnel spec ({\"analysis\":\"funnel\", …})".into(),
                    ),
                    &spec,
                    None,
                ));
            };
            let table = read_table(&data, &load)?;
            let users = tidemark::analysis::funnel::dropoff_users(&table, &funnel, step)?;
            let mut out = std::io::stdout().lock();
            let mut text = String::from("user\n");
            for u in users {
                text.push_str(&tidemark::report::csv_cell(&u));
                text.push('\n');
            }
            out.write_all(text.as_bytes()).map_err(io_error)
        }
        Command::Demo => std::io::stdout()
            .lock()
            .write_all(tidemark::demo::demo_csv().as_bytes())
            .map_err(io_error),
    }
}

fn read_table(path: &PathBuf, flags: &LoadFlags) -> Result<EventTable, Error> {
    let options = flags.options()?;
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        Error::at(
            ErrorKind::Io(format!("cannot read the file: {e}")),
            &name,
            None,
        )
    })?;
    let table = load(&name, &bytes, options, &mut Silent)?;
    let Some(path) = &flags.attributes else {
        return Ok(table);
    };
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        Error::at(
            ErrorKind::Io(format!("cannot read the file: {e}")),
            &name,
            None,
        )
    })?;
    let (table, report) =
        tidemark::ingest::attributes::attach(table, &name, &bytes, flags.attributes_id.as_deref())?;
    eprintln!("{}", attach_note(&report));
    Ok(table)
}

/// One line about an attached attribute file, for standard error.
fn attach_note(r: &tidemark::ingest::attributes::AttachReport) -> String {
    let mut note = format!(
        "{}: {} rows, {} users matched ({} users of the data have no row), {} ids not in the data",
        r.file, r.rows, r.matched_users, r.users_without_row, r.unmatched
    );
    if !r.unmatched_ids.is_empty() {
        let more = r.unmatched - r.unmatched_ids.len() as u64;
        note.push_str(&format!(": {}", r.unmatched_ids.join(", ")));
        if more > 0 {
            note.push_str(&format!(" and {more} more"));
        }
    }
    note
}

fn read_spec(arg: &str) -> Result<Spec, Error> {
    let text = if arg == "-" {
        std::io::read_to_string(std::io::stdin()).map_err(io_error)?
    } else {
        std::fs::read_to_string(arg).map_err(|e| {
            Error::at(
                ErrorKind::Io(format!("cannot read the spec: {e}")),
                arg,
                None,
            )
        })?
    };
    Spec::from_json(&text).map_err(|e| match e.location {
        None => Error {
            location: Some(tidemark::error::Location {
                file: arg.to_string(),
                line: None,
            }),
            ..e
        },
        Some(_) => e,
    })
}

/// Writes every chart of `report`: the first into `path`, the others beside it
/// as `STEM-NAME.svg`.
fn write_svgs(report: &Report, path: &Path) -> Result<(), Error> {
    let charts = report_svgs(report, SVG_SIZE.0, SVG_SIZE.1)
        .map_err(|e| Error::new(ErrorKind::Io(format!("cannot draw the chart: {e}"))))?;
    for (i, chart) in charts.iter().enumerate() {
        let target = if i == 0 {
            path.to_path_buf()
        } else {
            sibling(path, chart.name)
        };
        std::fs::write(&target, &chart.svg).map_err(|e| {
            Error::at(
                ErrorKind::Io(format!("cannot write the {} chart: {e}", chart.name)),
                &target.display().to_string(),
                None,
            )
        })?;
    }
    Ok(())
}

/// `dir/STEM-NAME.svg` for `dir/STEM.EXT`.
fn sibling(path: &Path, name: &str) -> PathBuf {
    let stem = path
        .file_stem()
        .map_or_else(|| "chart".into(), |s| s.to_string_lossy());
    path.with_file_name(format!("{stem}-{name}.svg"))
}

fn print_json<T: serde::Serialize>(value: &T) -> Result<(), Error> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Error::new(ErrorKind::Io(e.to_string())))?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}").map_err(io_error)
}

fn io_error(e: std::io::Error) -> Error {
    Error::new(ErrorKind::Io(e.to_string()))
}
