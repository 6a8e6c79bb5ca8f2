//! Cursor-on-Target (MITRE CoT 2.0 events, TAK detail) → observations.
//!
//! An input is one event or many back to back, as TAK clients write them
//! on a TCP connection; [`split`] finds each event, [`convert`] parses each
//! on its own with `quick-xml` and maps it with the tables of [`map`]:
//!
//! - identity: a CoT `uid` names a thing (a track, a marker), not a
//!   message, so the message id is `uid@time` (`time` as written);
//! - `type` → kind and weapon model (hostile atoms), `unknown_contact`
//!   (unknown affiliation), or skipped (friendly and neutral atoms, and
//!   everything that is not an atom: `b-` bits such as chat and markers,
//!   `t-` tasking such as the `takPing` keep-alive, `u-` drawings);
//! - `point` `lat`/`lon` → 10⁻⁷ degree, exactly ([`crate::decimal`]);
//!   `ce` → `place.error_m` (rounded up; `9999999`, CoT's "unknown", left out);
//! - `time` → `observed` (a moment; finer than a millisecond is truncated);
//!   `start` and `stale` are kept as attributes: they bound how long the
//!   report is valid, not when the thing was seen;
//! - `how` → confidence ([`map::HOW_CONFIDENCE`]);
//! - the event's own bytes are kept in `attributes.cot_xml`, with
//!   `cot_uid`, `cot_type`, `cot_how`, `cot_start`, `cot_stale`,
//!   `cot_callsign` (from `detail/contact`) and `cot_affiliation`.
//!
//! Refused at once, with the event's byte offset: a document type
//! declaration (billion laughs, XXE: see [`split`]), an event beyond
//! [`split::EVENT_BYTES_MAX`] bytes or [`split::DEPTH_MAX`] levels, XML that
//! is not well formed, a reference to an entity XML does not predefine,
//! text that is not UTF-8, a top element other than `event`, a missing or
//! malformed required attribute.
//!
//! Speed (`benches/cot.rs`): conversion runs at about 0.18 of a bare
//! `quick-xml` tokenizing loop over the same bytes. The time goes to
//! quick-xml's tokenizing (the floor: every event is checked to be well
//! formed), the [`split`] pass, and the observations themselves — about a
//! dozen heap allocations each that the model's types require (message
//! [`Name`], class, kind, weapon and the attribute map's `String`s,
//! `cot_xml` among them) and, in the bench, freeing them again. Plain
//! attributes are read without quick-xml's iterator and usual RFC 3339
//! times without jiff; anything unusual takes the general path.

pub mod map;
pub mod split;

use std::borrow::Cow;
use std::collections::BTreeMap;

use model::{InputId, Name, Observation, Observed, Place, Point};
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use crate::{Defaults, Note, Outcome, Position, decimal, validated};
use map::Affiliation;
pub use split::{Piece, Splitter};

/// A `ce` at or above this is CoT's way of saying "unknown" (`9999999.0`).
pub const CE_UNKNOWN_M: i64 = 9_999_999;
/// The longest attribute value kept (a `uid`, a callsign), in bytes.
pub const VALUE_BYTES_MAX: usize = 1024;

/// Every event of a whole input (a file): observations, skips and
/// refusals, located by line and column.
pub fn convert(bytes: &[u8], defaults: &Defaults) -> Outcome {
    convert_with_progress(bytes, defaults, &mut |_| {})
}

/// [`convert`], telling `progress` how many bytes are done every
/// [`PROGRESS_EVENTS`] events (for a progress bar on a large file).
pub fn convert_with_progress(
    bytes: &[u8],
    defaults: &Defaults,
    progress: &mut dyn FnMut(usize),
) -> Outcome {
    let mut out = Outcome::default();
    let mut who = Who::new(defaults);
    let pieces = Splitter::split_all(bytes);
    out.observations.reserve(pieces.len());
    for (n, piece) in pieces.into_iter().enumerate() {
        let end = match &piece {
            Piece::Event { end, .. } | Piece::Fault { end, .. } => *end,
        };
        take(&mut out, bytes, 0, piece, &mut who);
        if n % PROGRESS_EVENTS == PROGRESS_EVENTS - 1 {
            progress(end);
        }
    }
    progress(bytes.len());
    out.locate(bytes);
    out
}

/// How many events go between two calls of a progress callback.
pub const PROGRESS_EVENTS: usize = 4096;

/// Converts one piece of a stream whose buffer starts at absolute `base`.
fn take(out: &mut Outcome, buf: &[u8], base: usize, piece: Piece, who: &mut Who) {
    out.read += 1;
    match piece {
        Piece::Event { start, end } => {
            let bytes = buf.get(start - base..end - base).unwrap_or_default();
            match event(bytes, start, who) {
                Ok(Made::Observation(o)) => out.observations.push(o),
                Ok(Made::Skipped(note)) => out.skipped.push(note),
                Err(note) => out.rejected.push(note),
            }
        }
        Piece::Fault { at, message, .. } => out.rejected.push(Note {
            at: position(at),
            record: None,
            message,
        }),
    }
}

/// A TAK client's stream arriving in pieces: feed it what each read
/// returns, get the events completed so far. Notes carry byte offsets
/// from the start of the stream (line and column 0: a stream has none).
#[derive(Debug)]
pub struct Stream {
    splitter: Splitter,
    buf: Vec<u8>,
    base: usize,
    who: Who,
}

impl Stream {
    pub fn new(defaults: Defaults) -> Stream {
        Stream {
            splitter: Splitter::new(),
            buf: Vec::new(),
            base: 0,
            who: Who::new(&defaults),
        }
    }

    /// Adds bytes; returns what the events completed by them make.
    pub fn push(&mut self, bytes: &[u8]) -> Outcome {
        self.buf.extend_from_slice(bytes);
        self.drain(false)
    }

    /// The stream has ended: what is left is an incomplete event, if anything.
    pub fn finish(&mut self) -> Outcome {
        self.drain(true)
    }

    fn drain(&mut self, eof: bool) -> Outcome {
        let mut out = Outcome::default();
        while let Some(piece) = self.splitter.next(&self.buf, eof) {
            take(&mut out, &self.buf, self.base, piece, &mut self.who);
        }
        let keep = self.splitter.keep_from();
        let drop = keep.saturating_sub(self.base).min(self.buf.len());
        self.buf.drain(..drop);
        self.base += drop;
        self.splitter.rebase(self.base);
        out
    }
}

fn position(offset: usize) -> Position {
    Position {
        offset: offset as u64,
        line: 0,
        column: 0,
    }
}

/// [`Defaults`] made once per input: every observation shares the names.
#[derive(Debug)]
struct Who {
    party: Name,
    source: Name,
    class: String,
    /// The attribute names an observation keeps, made once and shared.
    keys: [Name; ATTRIBUTE_KEYS.len()],
    /// Where a message id is put together before it becomes a [`Name`].
    scratch: String,
    /// Finds `<event` (built once: building a searcher costs more than
    /// the search).
    event_tag: memchr::memmem::Finder<'static>,
}

/// The attributes kept from an event, in the order `event` fills them:
/// sorted, so that the map is built without reordering.
const ATTRIBUTE_KEYS: [&str; 8] = [
    "cot_affiliation",
    "cot_callsign",
    "cot_how",
    "cot_stale",
    "cot_start",
    "cot_type",
    "cot_uid",
    "cot_xml",
];

impl Who {
    fn new(defaults: &Defaults) -> Who {
        Who {
            party: Name::from(defaults.party.as_str()),
            source: Name::from(defaults.source.as_str()),
            class: defaults.class.clone(),
            keys: ATTRIBUTE_KEYS.map(Name::from),
            scratch: String::new(),
            event_tag: memchr::memmem::Finder::new(b"<event"),
        }
    }
}

#[allow(clippy::large_enum_variant)] // made and taken apart at once
enum Made {
    Observation(Observation),
    Skipped(Note),
}

/// What one event says, as read: borrowed from the event's text unless an
/// escape had to be resolved.
#[derive(Default)]
struct Fields<'a> {
    uid: Option<Cow<'a, str>>,
    cot_type: Option<Cow<'a, str>>,
    time: Option<Cow<'a, str>>,
    start: Option<Cow<'a, str>>,
    stale: Option<Cow<'a, str>>,
    how: Option<Cow<'a, str>>,
    lat: Option<Cow<'a, str>>,
    lon: Option<Cow<'a, str>>,
    ce: Option<Cow<'a, str>>,
    callsign: Option<Cow<'a, str>>,
    points: usize,
}

/// One event's bytes (`offset`: where they start in the input).
fn event(bytes: &[u8], offset: usize, who: &mut Who) -> Result<Made, Note> {
    let refuse = |at: usize, record: Option<&str>, message: String| Note {
        at: position(at),
        record: record.map(str::to_string),
        message,
    };
    let text = std::str::from_utf8(bytes).map_err(|e| {
        refuse(
            offset + e.valid_up_to(),
            None,
            "the event is not UTF-8 text".to_string(),
        )
    })?;
    let fields = read(text).map_err(|(at, uid, m)| refuse(offset + at, uid.as_deref(), m))?;
    let uid = fields.uid.as_deref();
    let missing = |name: &str| refuse(offset, uid, format!("the event has no `{name}`"));
    let uid = uid.ok_or_else(|| missing("uid"))?;
    let cot_type = fields.cot_type.as_deref().ok_or_else(|| missing("type"))?;
    let (first, second, rest) = three_parts(cot_type);
    let (affiliation_name, affiliation) = match (first, second) {
        (Some("a"), Some(letter)) => match map::AFFILIATIONS.iter().find(|(l, ..)| *l == letter) {
            Some((_, name, a)) => (*name, *a),
            None => {
                return Err(refuse(
                    offset,
                    Some(uid),
                    format!("type `{cot_type}`: `{letter}` is not a CoT affiliation"),
                ));
            }
        },
        _ => {
            let what = match first {
                Some("b") => "a `b-` (bits: chat, markers, routes, imagery) event",
                Some("t") => "a `t-` (tasking, such as the `takPing` keep-alive) event",
                Some("u") => "a `u-` (drawing) event",
                _ => "not an atom (`a-…`)",
            };
            return Ok(Made::Skipped(Note {
                at: position(offset),
                record: Some(uid.to_string()),
                message: format!("type `{cot_type}`: {what} carries no observation"),
            }));
        }
    };
    if affiliation == Affiliation::Friendly {
        return Ok(Made::Skipped(Note {
            at: position(offset),
            record: Some(uid.to_string()),
            message: format!(
                "type `{cot_type}`: a {affiliation_name} position report is not evidence of a breach"
            ),
        }));
    }
    let (function_kind, weapon) = map::function(rest.unwrap_or(""));
    let kind = match affiliation {
        Affiliation::Hostile => function_kind,
        _ => map::UNKNOWN_CONTACT,
    };
    let bad = |m: String| refuse(offset, Some(uid), m);
    let time_text = fields.time.as_deref().ok_or_else(|| missing("time"))?;
    let time = crate::time_ms(time_text).map_err(|m| bad(format!("`time`: {m}")))?;
    for (name, value) in [("start", &fields.start), ("stale", &fields.stale)] {
        let value = value.as_deref().ok_or_else(|| missing(name))?;
        crate::time_ms(value).map_err(|m| bad(format!("`{name}`: {m}")))?;
    }
    if fields.points != 1 {
        return Err(bad(format!(
            "the event has {} `point` elements; CoT requires exactly one",
            fields.points
        )));
    }
    let coordinate = |name: &str, value: &Option<Cow<str>>, max: i64| {
        let value = value
            .as_deref()
            .ok_or_else(|| bad(format!("`point` has no `{name}`")))?;
        let e7 = decimal::scaled(value, 7).map_err(|m| bad(format!("`point` `{name}`: {m}")))?;
        if e7.abs() > max {
            return Err(bad(format!("`point` `{name}` `{value}` is off the globe")));
        }
        i32::try_from(e7).map_err(|_| bad(format!("`point` `{name}` `{value}` is off the globe")))
    };
    let lat_e7 = coordinate("lat", &fields.lat, 900_000_000)?;
    let lon_e7 = coordinate("lon", &fields.lon, 1_800_000_000)?;
    let error_m = match fields.ce.as_deref() {
        None => None,
        Some(ce) => {
            let m = decimal::ceiling(ce).map_err(|m| bad(format!("`point` `ce`: {m}")))?;
            if m < 0 {
                return Err(bad(format!("`point` `ce` `{ce}` is negative")));
            }
            (m < CE_UNKNOWN_M).then(|| u32::try_from(m).ok()).flatten()
        }
    };
    let values = [
        Some(affiliation_name),
        fields.callsign.as_deref(),
        fields.how.as_deref(),
        fields.stale.as_deref(),
        fields.start.as_deref(),
        Some(cot_type),
        Some(uid),
        Some(element(text, &who.event_tag)),
    ];
    // Keys in order (see ATTRIBUTE_KEYS): the map is built without sorting
    // or growing a vector.
    let mut pairs = Vec::with_capacity(ATTRIBUTE_KEYS.len());
    for (key, value) in who.keys.iter().zip(values) {
        if let Some(value) = value {
            pairs.push((key.clone(), value.to_string()));
        }
    }
    let attributes: BTreeMap<Name, String> = BTreeMap::from_iter(pairs);
    who.scratch.clear();
    who.scratch.push_str(uid);
    who.scratch.push('@');
    who.scratch.push_str(time_text);
    let observation = Observation {
        id: InputId {
            party: who.party.clone(),
            source: who.source.clone(),
            message: Name::from(who.scratch.as_str()),
        },
        class: who.class.clone(),
        derived_from: Vec::new(),
        observed: Observed::at(time),
        place: Place {
            point: Some(Point { lon_e7, lat_e7 }),
            error_m,
            zone: None,
            track: Vec::new(),
        },
        kind: kind.to_string(),
        counts: Default::default(),
        weapon: weapon.map(str::to_string),
        target: None,
        attribution: None,
        confidence_bp: map::confidence(fields.how.as_deref()),
        releasability: Default::default(),
        attributes,
    };
    validated(observation).map(Made::Observation).map_err(bad)
}

/// `text.splitn(3, '-')`'s first three items, found with a byte loop (the
/// text is a few bytes: a general search costs more to start than to run).
fn three_parts(text: &str) -> (Option<&str>, Option<&str>, Option<&str>) {
    let cut = |t: &str| t.bytes().position(|b| b == b'-');
    let Some(i) = cut(text) else {
        return (Some(text), None, None);
    };
    let (first, after) = (text.get(..i), text.get(i + 1..).unwrap_or(""));
    let Some(j) = cut(after) else {
        return (first, Some(after), None);
    };
    (first, after.get(..j), after.get(j + 1..))
}

/// The event element's own text, without the XML declaration and blanks
/// before it.
fn element<'a>(text: &'a str, finder: &memchr::memmem::Finder<'_>) -> &'a str {
    match finder.find(text.as_bytes()) {
        Some(i) => text.get(i..).unwrap_or(text).trim_end(),
        None => text.trim(),
    }
}

/// Reads the fields of one event; an error is (byte offset within the
/// event, message).
fn read(text: &str) -> Result<Fields<'_>, (usize, Option<String>, String)> {
    let mut fields = Fields::default();
    read_into(text, &mut fields)
        .map_err(|(at, m)| (at, fields.uid.take().map(Cow::into_owned), m))?;
    Ok(fields)
}

fn read_into<'a>(text: &'a str, fields: &mut Fields<'a>) -> Result<(), (usize, String)> {
    let mut reader = Reader::from_str(text);
    let mut depth = 0u32;
    let mut tops = 0usize;
    // Whether the open child of `event` (at depth 1) is `detail`.
    let mut in_detail = false;
    loop {
        let at = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = reader.read_event().map_err(|e| {
            let at = usize::try_from(reader.error_position()).unwrap_or(at);
            (at, format!("the event is not well-formed XML: {e}"))
        })?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                let name = e.local_name();
                let name = name.as_ref();
                match depth {
                    0 => {
                        tops += 1;
                        if tops > 1 || name != "event" {
                            return Err((
                                at,
                                format!("the top element is `{}`, not one CoT `event`", name),
                            ));
                        }
                        attributes(text, e, at, |k, v| match k {
                            "uid" => fields.uid = Some(v),
                            "type" => fields.cot_type = Some(v),
                            "time" => fields.time = Some(v),
                            "start" => fields.start = Some(v),
                            "stale" => fields.stale = Some(v),
                            "how" => fields.how = Some(v),
                            _ => {}
                        })?;
                    }
                    1 => {
                        in_detail = name == "detail";
                        if name == "point" {
                            fields.points += 1;
                            attributes(text, e, at, |k, v| match k {
                                "lat" => fields.lat = Some(v),
                                "lon" => fields.lon = Some(v),
                                "ce" => fields.ce = Some(v),
                                _ => {}
                            })?;
                        }
                    }
                    2 if in_detail && name == "contact" => {
                        attributes(text, e, at, |k, v| {
                            if k == "callsign" {
                                fields.callsign = Some(v);
                            }
                        })?;
                    }
                    _ => {}
                }
                if !empty {
                    depth += 1;
                }
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::GeneralRef(r) => {
                let name: &str = &r;
                let predefined =
                    matches!(name, "lt" | "gt" | "amp" | "apos" | "quot") || name.starts_with('#');
                if !predefined {
                    return Err((
                        at,
                        format!(
                            "`&{};` is not an entity XML predefines; entity declarations are refused",
                            name
                        ),
                    ));
                }
            }
            Event::DocType(_) => return Err((at, split::DOCTYPE_REFUSED.to_string())),
            Event::Text(t) if depth == 0 && t.bytes().any(|b| !b.is_ascii_whitespace()) => {
                return Err((at, "text outside the event".to_string()));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if tops == 0 {
        return Err((0, "no `event` element".to_string()));
    }
    Ok(())
}

/// Calls `f` with each attribute's name and value (entities resolved;
/// duplicates and malformed attributes refused). A value without escapes
/// is lent from `text`, the event's own text, rather than copied.
fn attributes<'a>(
    text: &'a str,
    e: &BytesStart<'_>,
    at: usize,
    mut f: impl FnMut(&str, Cow<'a, str>),
) -> Result<(), (usize, String)> {
    if let Some(raw) = lent_slice(text, e.attributes_raw()) {
        let mut found = [("", ""); PLAIN_ATTRIBUTES_MAX];
        if let Some(n) = plain_attributes(raw, &mut found) {
            for &(key, value) in found.iter().take(n) {
                f(key, Cow::Borrowed(value));
            }
            return Ok(());
        }
    }
    for attribute in e.attributes() {
        let attribute = attribute.map_err(|err| (at, format!("a malformed attribute: {err}")))?;
        let value = attribute
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|err| (at, format!("a malformed attribute value: {err}")))?;
        if value.len() > VALUE_BYTES_MAX {
            return Err((
                at,
                format!("an attribute value longer than {VALUE_BYTES_MAX} bytes"),
            ));
        }
        f(attribute.key.local_name().as_ref(), lent(text, value));
    }
    Ok(())
}

/// The most attributes [`plain_attributes`] reads.
const PLAIN_ATTRIBUTES_MAX: usize = 16;

/// The attributes of a tag (`raw`: the tag after its name) when every one
/// is plain — `name="value"` or `name='value'` after a blank, no prefix,
/// no duplicate, a value without `&`, tab or line break and at most
/// [`VALUE_BYTES_MAX`] bytes — as `quick-xml` would read them; `None`
/// for anything else, which the full reader then reads (and refuses, if
/// it must, in its own words).
fn plain_attributes<'a>(
    raw: &'a str,
    found: &mut [(&'a str, &'a str); PLAIN_ATTRIBUTES_MAX],
) -> Option<usize> {
    let b = raw.as_bytes();
    let blank = |c: u8| matches!(c, b' ' | b'\t' | b'\r' | b'\n');
    let mut i = 0;
    let mut n = 0;
    loop {
        let before = i;
        while b.get(i).is_some_and(|&c| blank(c)) {
            i += 1;
        }
        if i == b.len() {
            return Some(n);
        }
        if i == before || n == PLAIN_ATTRIBUTES_MAX {
            return None;
        }
        let key_start = i;
        while b.get(i).is_some_and(|&c| {
            !blank(c) && !matches!(c, b'=' | b'"' | b'\'' | b'<' | b'>' | b'&' | b'/' | b':')
        }) {
            i += 1;
        }
        if i == key_start || b.get(i) != Some(&b'=') {
            return None;
        }
        let key = raw.get(key_start..i)?;
        let quote = *b.get(i + 1).filter(|&&q| q == b'"' || q == b'\'')?;
        let value_start = i + 2;
        let mut j = value_start;
        loop {
            match *b.get(j)? {
                c if c == quote => break,
                b'&' | b'\t' | b'\r' | b'\n' => return None,
                _ => j += 1,
            }
        }
        if j - value_start > VALUE_BYTES_MAX || found.iter().take(n).any(|&(k, _)| k == key) {
            return None;
        }
        *found.get_mut(n)? = (key, raw.get(value_start..j)?);
        n += 1;
        i = j + 1;
    }
}

/// `part` as a slice of `text` when it is one (with `text`'s lifetime).
fn lent_slice<'a>(text: &'a str, part: &str) -> Option<&'a str> {
    let offset = (part.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
    offset
        .checked_add(part.len())
        .and_then(|end| text.get(offset..end))
        .filter(|slice| slice.as_ptr() == part.as_ptr())
}

/// `value` as a slice of `text` when it is one (the parser returns values
/// without escapes as slices of its input), else as an owned copy.
fn lent<'a>(text: &'a str, value: Cow<'_, str>) -> Cow<'a, str> {
    if let Cow::Borrowed(v) = value {
        let offset = (v.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
        if let Some(slice) = offset
            .checked_add(v.len())
            .and_then(|end| text.get(offset..end))
            .filter(|slice| slice.as_ptr() == v.as_ptr())
        {
            return Cow::Borrowed(slice);
        }
    }
    Cow::Owned(value.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The attributes as `quick-xml` reads them (the general path of
    /// [`attributes`]), or `None` where it refuses them.
    fn quick_xml_attributes(tag: &str) -> Option<Vec<(String, String)>> {
        let mut reader = Reader::from_str(tag);
        let (Ok(Event::Start(e)) | Ok(Event::Empty(e))) = reader.read_event() else {
            return None;
        };
        let mut all = Vec::new();
        for a in e.attributes() {
            let a = a.ok()?;
            let value = a.normalized_value(XmlVersion::Implicit1_0).ok()?;
            if value.len() > VALUE_BYTES_MAX {
                return None;
            }
            let key = a.key.local_name().as_ref().to_string();
            all.push((key, value.into_owned()));
        }
        Some(all)
    }

    #[test]
    fn plain_attributes_reads_what_quick_xml_reads() {
        let bases = [
            "<point lat=\"50.45\" lon='30.52' hae=\"1200.5\" ce=\"35.5\" le=\"20.0\" />",
            "<event version=\"2.0\" uid=\"trk-1\" type=\"a-h-G\"\n how=\"m-g\">",
            "<contact callsign=\"GERAN\" endpoint=\"*:-1:stcp\"/>",
        ];
        let inserts = [
            "<",
            ">",
            "/",
            "\"",
            "'",
            "=",
            "&",
            "&amp;",
            "&#38;",
            " ",
            "\t",
            "\n",
            "\r",
            "a",
            ":",
            "x:",
            "é",
            " a=\"1\"",
            " lat=\"2\"",
            "==",
        ];
        let (mut plain, mut checked) = (0, 0);
        for base in bases {
            let name_end = base.find([' ', '/', '>']).unwrap_or(base.len());
            let chars: Vec<usize> = base
                .char_indices()
                .map(|(i, _)| i)
                .chain([base.len()])
                .collect();
            for (n, &at) in chars.iter().enumerate().filter(|&(_, &at)| at > name_end) {
                let next = chars.get(n + 1).copied().unwrap_or(at);
                let mut variants = vec![format!("{}{}", &base[..at], &base[next..])];
                for insert in inserts {
                    variants.push(format!("{}{insert}{}", &base[..at], &base[at..]));
                    variants.push(format!("{}{insert}{}", &base[..at], &base[next..]));
                }
                for tag in &variants {
                    let mut reader = Reader::from_str(tag.as_str());
                    let (Ok(Event::Start(e)) | Ok(Event::Empty(e))) = reader.read_event() else {
                        continue;
                    };
                    checked += 1;
                    let mut found = [("", ""); PLAIN_ATTRIBUTES_MAX];
                    if let Some(n) = plain_attributes(e.attributes_raw(), &mut found) {
                        plain += 1;
                        let got: Vec<(String, String)> = found[..n]
                            .iter()
                            .map(|(k, v)| (k.to_string(), v.to_string()))
                            .collect();
                        assert_eq!(Some(got), quick_xml_attributes(tag), "{tag}");
                    }
                }
            }
        }
        assert!(
            plain > checked / 10 && plain < checked,
            "{plain} of {checked}"
        );
    }

    #[test]
    fn three_parts_is_splitn_3() {
        for text in [
            "",
            "-",
            "--",
            "a",
            "a-",
            "a-h",
            "a-h-",
            "a-h-A-M-F-Q",
            "-h-",
            "é-ü-x-y",
        ] {
            let mut parts = text.splitn(3, '-');
            assert_eq!(
                three_parts(text),
                (parts.next(), parts.next(), parts.next()),
                "{text}"
            );
        }
    }
}
