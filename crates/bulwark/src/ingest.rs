//! `bulwark ingest`: the world's formats → input lines. Files are read
//! here and converted by the `ingest` crate; `--listen` accepts TAK clients
//! over TCP and writes their events as lines as they arrive.
//!
//! Exit status: 0 every record imported (or skipped by design), 1 some
//! refused (the good ones are still written), 2 a file could not be read or
//! the listener could not start.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result, bail};
use ingest::{Defaults, Note, Outcome};

use crate::Format;
use crate::progress::Progress;

/// Largest input file read, in bytes.
const FILE_BYTES_MAX: u64 = 512 * 1024 * 1024;
/// Connections served at once by `--listen`; more wait to be accepted.
const CONNECTIONS_MAX: usize = 64;
/// Skipped records listed one by one per file in the text summary.
const SKIPS_LISTED_MAX: usize = 10;

#[derive(clap::Args, Debug)]
pub struct IngestArgs {
    /// The input format: `cot` (Cursor-on-Target XML, one event or a TAK
    /// stream), `stix` (a STIX 2.1 bundle), `geojson` (zones and lines:
    /// checked and summarized, nothing written), `csv:MAPPING` (a CSV table
    /// read through the mapping file MAPPING, e.g.
    /// `csv:examples/ukraine-2025/mappings/missile-attacks.toml`) and `ftm`
    /// (FollowTheMoney entities, as OpenSanctions publishes them: writes
    /// sanctions target lines, not inputs).
    #[arg(long, value_name = "FORMAT")]
    from: String,
    /// The files to read.
    #[arg(required_unless_present = "listen")]
    files: Vec<PathBuf>,
    /// Write the lines to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Validate only: read and report, write nothing.
    #[arg(long)]
    check: bool,
    /// The summary's format (on standard error).
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// The submitting party (a framework party id); default: the mapping's
    /// (`csv:`), else `unknown`.
    #[arg(long, value_name = "P")]
    party: Option<String>,
    /// The party's source (sensor, feed); default: the mapping's (`csv:`),
    /// else the format's name.
    #[arg(long, value_name = "S")]
    source: Option<String>,
    /// The source class (a framework `source_class` id); default: the
    /// mapping's (`csv:`), else `unknown`.
    #[arg(long, value_name = "C")]
    class: Option<String>,
    /// With `--from geojson`: write framework `[[zone]]` entries (TOML) for
    /// every area and line, naming PATH as their `file`, instead of nothing.
    #[arg(long, value_name = "PATH")]
    zones: Option<String>,
    /// With `--from cot`: accept TAK clients on this TCP address
    /// (`127.0.0.1:8087`; port 0 picks one, printed on standard error) and
    /// write each event's line as it arrives. Runs until stopped.
    #[arg(long, value_name = "ADDR", conflicts_with_all = ["files", "check"])]
    listen: Option<String>,
}

#[derive(Clone, Debug)]
enum From {
    Cot,
    Stix,
    Geojson,
    Csv(Box<ingest::table::Mapping>),
    Ftm,
}

fn parse_from(text: &str) -> Result<From> {
    match text {
        "cot" => Ok(From::Cot),
        "stix" => Ok(From::Stix),
        "geojson" => Ok(From::Geojson),
        "ftm" => Ok(From::Ftm),
        t if t.starts_with("csv:") => {
            let path = t.get(4..).unwrap_or_default();
            if path.is_empty() {
                bail!("`--from csv:MAPPING` needs the mapping file's path after `csv:`");
            }
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the mapping `{path}`"))?;
            match ingest::table::Mapping::parse(&text) {
                Ok(m) => Ok(From::Csv(Box::new(m))),
                Err(problems) => {
                    for p in &problems {
                        eprintln!("bulwark: {path}: {p}");
                    }
                    bail!(
                        "the mapping `{path}` has {} problem{}; nothing was read (see docs/ingest.md, \"CSV through a mapping\")",
                        problems.len(),
                        if problems.len() == 1 { "" } else { "s" }
                    )
                }
            }
        }
        t => bail!("`--from {t}`: expected `cot`, `stix`, `geojson`, `csv:MAPPING` or `ftm`"),
    }
}

pub fn run(args: &IngestArgs) -> Result<u8> {
    let from = parse_from(&args.from)?;
    let mut defaults = Defaults {
        party: "unknown".to_string(),
        source: args.from.clone(),
        class: "unknown".to_string(),
    };
    if let From::Csv(m) = &from {
        defaults.source = "csv".to_string();
        defaults = m.defaults(&defaults);
    }
    if let Some(p) = &args.party {
        defaults.party.clone_from(p);
    }
    if let Some(s) = &args.source {
        defaults.source.clone_from(s);
    }
    if let Some(c) = &args.class {
        defaults.class.clone_from(c);
    }
    if let Some(addr) = &args.listen {
        if !matches!(from, From::Cot) {
            bail!("`--listen` takes CoT only (`--from cot`)");
        }
        return listen(addr, &defaults, args.out.as_deref());
    }
    let mut lines = String::new();
    let mut summaries = Vec::new();
    let mut unreadable = false;
    let mut rejected = false;
    let total: u64 = args
        .files
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let mut progress = Progress::new(total, "{elapsed:>4} [{bar:40}] {bytes}/{total_bytes} {msg}");
    let mut done = 0u64;
    for path in &args.files {
        let shown = path.display().to_string();
        progress.set_message(shown.clone());
        let bytes = match read(path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("bulwark: {e:#}");
                unreadable = true;
                continue;
            }
        };
        let Converted {
            outcome,
            extra,
            lines: written,
            imported,
        } = convert(&from, &bytes, &defaults, &mut |n| {
            progress.tick(done + n as u64);
        });
        done += bytes.len() as u64;
        progress.tick(done);
        if let Some(file) = &args.zones {
            if !matches!(from, From::Geojson) {
                bail!("`--zones` goes with `--from geojson`");
            }
            if outcome.rejected.is_empty() {
                match ingest::geojson::zone_entries(&bytes, file) {
                    Ok(toml) => lines.push_str(&toml),
                    Err(e) => eprintln!("bulwark: {shown}: {e}"),
                }
            }
        }
        lines.push_str(&written);
        rejected |= !outcome.rejected.is_empty();
        summaries.push(Summary {
            shown,
            outcome,
            extra,
            imported,
        });
    }
    progress.finish();
    if !args.check {
        match &args.out {
            Some(out) => std::fs::write(out, &lines)
                .with_context(|| format!("cannot write `{}`", out.display()))?,
            None => crate::write_stdout(&lines),
        }
    }
    match args.format {
        Format::Text => {
            for s in &summaries {
                eprint!("{}", text_summary(s));
            }
        }
        Format::Json => {
            let files: Vec<_> = summaries.iter().map(json_summary).collect();
            let doc = serde_json::json!({ "files": files, "written": !args.check });
            eprintln!("{}", serde_json::to_string_pretty(&doc)?);
        }
    }
    Ok(if unreadable { 2 } else { u8::from(rejected) })
}

fn read(path: &Path) -> Result<Vec<u8>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot read `{}`", path.display()))?;
    let mut bytes = Vec::new();
    file.take(FILE_BYTES_MAX + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read `{}`", path.display()))?;
    if bytes.len() as u64 > FILE_BYTES_MAX {
        bail!("`{}` is larger than {FILE_BYTES_MAX} bytes", path.display());
    }
    Ok(bytes)
}

/// What one file gave.
struct Converted {
    outcome: Outcome,
    /// Lines of summary the format adds (GeoJSON's features, FTM's counts).
    extra: Vec<String>,
    /// What is written: input lines, or (FTM) target lines.
    lines: String,
    /// Records imported: observations, or (FTM) targets.
    imported: usize,
}

/// One file's summary.
struct Summary {
    shown: String,
    outcome: Outcome,
    extra: Vec<String>,
    imported: usize,
}

fn convert(
    from: &From,
    bytes: &[u8],
    defaults: &Defaults,
    progress: &mut dyn FnMut(usize),
) -> Converted {
    let observed = |outcome: Outcome, extra: Vec<String>| {
        let mut lines = String::new();
        for o in &outcome.observations {
            lines.push_str(&model::encode_line(&model::Input::Observation(o.clone())));
            lines.push('\n');
        }
        Converted {
            imported: outcome.observations.len(),
            outcome,
            extra,
            lines,
        }
    };
    match from {
        From::Cot => observed(
            ingest::cot::convert_with_progress(bytes, defaults, progress),
            Vec::new(),
        ),
        From::Stix => observed(ingest::stix::convert(bytes, defaults), Vec::new()),
        From::Geojson => {
            let (outcome, extra) = ingest::geojson::convert(bytes);
            observed(outcome, extra)
        }
        From::Csv(m) => observed(ingest::table::convert(bytes, m, defaults), Vec::new()),
        From::Ftm => {
            let read = ingest::ftm::read(bytes);
            Converted {
                extra: read.summary(),
                lines: ingest::ftm::encode(&read.targets),
                imported: read.targets.len(),
                outcome: read.outcome,
            }
        }
    }
}

fn note_line(shown: &str, what: &str, n: &Note) -> String {
    let record = n
        .record
        .as_ref()
        .map(|r| format!("`{r}`: "))
        .unwrap_or_default();
    format!(
        "{shown}:{}:{}: {what}: {record}{} (byte {})\n",
        n.at.line, n.at.column, n.message, n.at.offset
    )
}

fn text_summary(summary: &Summary) -> String {
    let Summary {
        shown,
        outcome: o,
        extra,
        imported,
    } = summary;
    let mut s = String::new();
    for n in &o.rejected {
        s.push_str(&note_line(shown, "error", n));
    }
    for n in o.skipped.iter().take(SKIPS_LISTED_MAX) {
        s.push_str(&note_line(shown, "skipped", n));
    }
    if o.skipped.len() > SKIPS_LISTED_MAX {
        s.push_str(&format!(
            "{shown}: … and {} more skipped\n",
            o.skipped.len() - SKIPS_LISTED_MAX
        ));
    }
    for line in extra {
        s.push_str(&format!("{shown}: {line}\n"));
    }
    s.push_str(&format!(
        "{shown}: read {}, imported {}, skipped {}, rejected {}\n",
        o.read,
        imported,
        o.skipped.len(),
        o.rejected.len()
    ));
    s
}

fn json_note(n: &Note) -> serde_json::Value {
    serde_json::json!({
        "offset": n.at.offset, "line": n.at.line, "column": n.at.column,
        "record": n.record, "message": n.message,
    })
}

fn json_summary(summary: &Summary) -> serde_json::Value {
    let Summary {
        shown,
        outcome: o,
        extra,
        imported,
    } = summary;
    serde_json::json!({
        "path": shown,
        "read": o.read,
        "imported": imported,
        "skipped": o.skipped.iter().map(json_note).collect::<Vec<_>>(),
        "rejected": o.rejected.iter().map(json_note).collect::<Vec<_>>(),
        "notes": extra,
    })
}

/// Serves TAK clients: each connection is one CoT stream.
fn listen(addr: &str, defaults: &Defaults, out: Option<&Path>) -> Result<u8> {
    let listener = TcpListener::bind(addr).with_context(|| format!("cannot listen on `{addr}`"))?;
    let local = listener.local_addr()?;
    eprintln!("bulwark: listening for CoT on {local}");
    let sink: Box<dyn Write + Send> = match out {
        Some(path) => Box::new(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .with_context(|| format!("cannot write `{}`", path.display()))?,
        ),
        None => Box::new(std::io::stdout()),
    };
    let sink = Arc::new(Mutex::new(sink));
    let open = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let stream = match stream {
            Ok(s) => s,
            Err(e) => {
                eprintln!("bulwark: a connection failed: {e}");
                continue;
            }
        };
        while open.load(Ordering::SeqCst) >= CONNECTIONS_MAX {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        open.fetch_add(1, Ordering::SeqCst);
        let (sink, open, defaults) = (sink.clone(), open.clone(), defaults.clone());
        std::thread::spawn(move || {
            serve(stream, &defaults, &sink);
            open.fetch_sub(1, Ordering::SeqCst);
        });
    }
    Ok(0)
}

type Sink = Mutex<Box<dyn Write + Send>>;

fn serve(mut stream: TcpStream, defaults: &Defaults, sink: &Sink) {
    let peer = stream
        .peer_addr()
        .map_or_else(|_| "a client".to_string(), |a| a.to_string());
    let mut cot = ingest::cot::Stream::new(defaults.clone());
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = Outcome::default();
    loop {
        let n = match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) => {
                eprintln!("bulwark: {peer}: {e}");
                break;
            }
        };
        let outcome = cot.push(buf.get(..n).unwrap_or_default());
        emit(&peer, &outcome, sink);
        total.extend(outcome);
    }
    let outcome = cot.finish();
    emit(&peer, &outcome, sink);
    total.extend(outcome);
    eprintln!(
        "bulwark: {peer}: closed: read {}, imported {}, skipped {}, rejected {}",
        total.read,
        total.observations.len(),
        total.skipped.len(),
        total.rejected.len()
    );
}

fn emit(peer: &str, o: &Outcome, sink: &Sink) {
    for n in &o.rejected {
        eprintln!(
            "bulwark: {peer}: byte {}: error: {}{}",
            n.at.offset,
            n.record
                .as_ref()
                .map(|r| format!("`{r}`: "))
                .unwrap_or_default(),
            n.message
        );
    }
    if o.observations.is_empty() {
        return;
    }
    let mut lines = String::new();
    for obs in &o.observations {
        lines.push_str(&model::encode_line(&model::Input::Observation(obs.clone())));
        lines.push('\n');
    }
    let Ok(mut w) = sink.lock() else { return };
    if let Err(e) = w.write_all(lines.as_bytes()).and_then(|()| w.flush()) {
        eprintln!("bulwark: cannot write the output: {e}");
        std::process::exit(2);
    }
}
