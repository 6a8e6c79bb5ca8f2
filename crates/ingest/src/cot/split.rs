//! Framing: where each CoT event begins and ends in a stream of bytes.
//!
//! TAK clients write events back to back on a TCP connection, with no
//! delimiter and no length (`<?xml …?><event>…</event><?xml …?><event>…`);
//! a file holds one event or the same concatenation. The [`Splitter`]
//! finds the boundaries by following XML's markup — tags (with quoted
//! attribute values, which may hold `>`), comments, CDATA, processing
//! instructions — and counting element depth, without parsing anything
//! else: each frame is then parsed on its own, so one bad event is one
//! error and the events around it are still read.
//!
//! It is resumable: given more bytes of the same stream it goes on where it
//! stopped, so the listener can feed it whatever each `read` returns.
//! Positions are absolute offsets in the stream; the caller may drop the
//! bytes before [`Splitter::keep_from`].
//!
//! Hostile input is refused here, before any parser sees it: a document
//! type declaration (`<!DOCTYPE`, and with it every `<!ENTITY`) faults the
//! frame it belongs to at once (no entity is ever expanded or fetched), and
//! every frame is bounded in bytes and nesting depth.

use memchr::{memchr, memchr2, memchr3, memmem};

/// The longest event accepted, in bytes. The largest real TAK event among
/// the samples (a telestration) is about 4.4 KB; routes with hundreds of
/// points stay well under this.
pub const EVENT_BYTES_MAX: usize = 256 * 1024;
/// The deepest element nesting accepted in an event (the `event` element
/// is depth 1; TAK detail rarely goes past 6).
pub const DEPTH_MAX: u32 = 32;

/// The message for a document type declaration.
pub const DOCTYPE_REFUSED: &str = "document type declarations (`<!DOCTYPE`, `<!ENTITY`) are refused: \
they allow entity expansion (\"billion laughs\") and external entities (XXE); CoT never needs one";

/// One frame of the stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    /// The bytes `start..end` hold one event (with any XML declaration
    /// before it); well-formedness is for the parser to judge.
    Event { start: usize, end: usize },
    /// The bytes `start..end` are refused as a whole, for `message`, first
    /// seen at `at`.
    Fault {
        start: usize,
        end: usize,
        at: usize,
        message: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Between markup: text, or blanks between events.
    Text,
    /// Inside a document type declaration.
    Dtd { brackets: u32, quote: Option<u8> },
}

/// Finds the frames of one stream. See the module documentation.
#[derive(Clone, Debug)]
pub struct Splitter {
    /// Absolute offset of the first byte of the buffer the caller passes.
    base: usize,
    /// Absolute offset of the next byte to look at.
    pos: usize,
    /// Elements open in the current frame.
    depth: u32,
    /// Absolute start of the current frame, once it has begun.
    start: Option<usize>,
    /// The current frame's first problem: where and what.
    fault: Option<(usize, String)>,
    mode: Mode,
}

impl Default for Splitter {
    fn default() -> Self {
        Splitter::new()
    }
}

impl Splitter {
    pub fn new() -> Splitter {
        Splitter {
            base: 0,
            pos: 0,
            depth: 0,
            start: None,
            fault: None,
            mode: Mode::Text,
        }
    }

    /// Every frame of a whole input.
    pub fn split_all(bytes: &[u8]) -> Vec<Piece> {
        let mut s = Splitter::new();
        let mut pieces = Vec::new();
        while let Some(p) = s.next(bytes, true) {
            pieces.push(p);
        }
        pieces
    }

    /// The absolute offset before which the caller may drop bytes: nothing
    /// before it will be asked for again (a faulted frame's bytes are not
    /// needed, so an oversized frame does not pin memory).
    pub fn keep_from(&self) -> usize {
        match (self.start, &self.fault) {
            (Some(start), None) => start,
            _ => self.pos,
        }
    }

    /// Tells the splitter that the caller dropped the bytes before absolute
    /// offset `base` (at most [`Self::keep_from`]): the next buffer passed
    /// starts there.
    pub fn rebase(&mut self, base: usize) {
        self.base = base;
    }

    /// The next frame in `buf` (the stream's bytes from the current base),
    /// or `None` when more bytes are needed (`eof` false) or the stream is
    /// done (`eof` true).
    pub fn next(&mut self, buf: &[u8], eof: bool) -> Option<Piece> {
        loop {
            let i = self.pos.checked_sub(self.base)?;
            let rest = buf.get(i..)?;
            if let Some(start) = self.start
                && self.pos - start > EVENT_BYTES_MAX
                && self.fault.is_none()
            {
                self.fault = Some((
                    start,
                    format!("the event is longer than {EVENT_BYTES_MAX} bytes"),
                ));
            }
            if let Mode::Dtd { .. } = self.mode {
                match self.skip_dtd(rest) {
                    Some(n) => {
                        self.pos += n;
                        self.mode = Mode::Text;
                        continue;
                    }
                    None => {
                        self.pos += rest.len();
                        return self.at_end(eof);
                    }
                }
            }
            if self.depth > 0 {
                // Inside an element: jump to the next markup.
                match memchr(b'<', rest) {
                    Some(n) => self.pos += n,
                    None => {
                        self.pos += rest.len();
                        return self.at_end(eof);
                    }
                }
            } else {
                // Between events: blanks are fine, anything else is junk.
                let blank = rest
                    .iter()
                    .position(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n' | 0))
                    .unwrap_or(rest.len());
                self.pos += blank;
                let Some(&first) = rest.get(blank..).and_then(|r| r.first()) else {
                    return self.at_end(eof);
                };
                if first != b'<' {
                    let junk = &rest[blank..];
                    let n = memchr(b'<', junk);
                    if n.is_none() && !eof && junk.len() < EVENT_BYTES_MAX {
                        return None;
                    }
                    let n = n.unwrap_or(junk.len());
                    let start = self.pos;
                    self.pos += n;
                    if self.start.is_none() {
                        return Some(Piece::Fault {
                            start,
                            end: self.pos,
                            at: start,
                            message: "text outside any event".to_string(),
                        });
                    }
                    // Junk after a declaration: the frame is faulted.
                    self.fault
                        .get_or_insert((start, "text outside any event".into()));
                    continue;
                }
            }
            // At a `<`.
            let i = self.pos - self.base;
            let tag = &buf[i..];
            match self.markup(tag, eof) {
                Step::Wait => return self.at_end(eof),
                Step::Advance(n) => self.pos += n,
                Step::Emit(piece) => return Some(piece),
            }
        }
    }

    /// What to do at the end of the bytes given.
    fn at_end(&mut self, eof: bool) -> Option<Piece> {
        if !eof {
            return None;
        }
        let start = self.start.take()?;
        let end = self.pos;
        let open = self.depth;
        self.depth = 0;
        self.mode = Mode::Text;
        let (at, message) = self.fault.take().unwrap_or((
            start,
            format!(
                "the input ends inside the event that begins here ({open} element{} still open)",
                if open == 1 { "" } else { "s" }
            ),
        ));
        Some(Piece::Fault {
            start,
            end,
            at,
            message,
        })
    }

    /// Finishes the current frame at absolute `end`.
    fn finish(&mut self, end: usize) -> Piece {
        let start = self.start.take().unwrap_or(end);
        self.depth = 0;
        if end - start > EVENT_BYTES_MAX && self.fault.is_none() {
            self.fault = Some((
                start,
                format!("the event is longer than {EVENT_BYTES_MAX} bytes"),
            ));
        }
        match self.fault.take() {
            None => Piece::Event { start, end },
            Some((at, message)) => Piece::Fault {
                start,
                end,
                at,
                message,
            },
        }
    }

    /// Reads the markup that begins at `tag[0] == b'<'`.
    fn markup(&mut self, tag: &[u8], eof: bool) -> Step {
        let at = self.pos;
        let need = |n: usize| tag.len() < n && !eof;
        if need(2) {
            return Step::Wait;
        }
        match tag.get(1) {
            Some(b'?') => {
                let is_decl = tag.len() >= 6
                    && &tag[2..5] == b"xml"
                    && matches!(tag[5], b' ' | b'\t' | b'\r' | b'\n' | b'?');
                if need(6) {
                    return Step::Wait;
                }
                if is_decl && self.start.is_some() && self.depth > 0 {
                    // A new document begins before the event ended: the
                    // event was cut short. Fault it and start afresh here.
                    let start = self.start.take().unwrap_or(at);
                    let (fault_at, message) = self.fault.take().unwrap_or((
                        start,
                        format!(
                            "the event that begins here is incomplete: a new XML declaration \
                             begins at byte {at} before it ends"
                        ),
                    ));
                    self.depth = 0;
                    return Step::Emit(Piece::Fault {
                        start,
                        end: at,
                        at: fault_at,
                        message,
                    });
                }
                let Some(n) = memmem::find(&tag[2..], b"?>") else {
                    return self.unterminated(tag, eof, "a processing instruction");
                };
                if self.depth == 0 && is_decl {
                    if self.start.is_some() {
                        self.fault
                            .get_or_insert((at, "two XML declarations before one event".into()));
                    }
                    self.start.get_or_insert(at);
                }
                Step::Advance(n + 4)
            }
            Some(b'!') => {
                if need(9) {
                    return Step::Wait;
                }
                if tag.starts_with(b"<!--") {
                    let Some(n) = memmem::find(&tag[4..], b"-->") else {
                        return self.unterminated(tag, eof, "a comment");
                    };
                    return Step::Advance(n + 7);
                }
                if tag.starts_with(b"<![CDATA[") {
                    let Some(n) = memmem::find(&tag[9..], b"]]>") else {
                        return self.unterminated(tag, eof, "a CDATA section");
                    };
                    if self.depth == 0 {
                        self.start.get_or_insert(at);
                        self.fault
                            .get_or_insert((at, "CDATA outside any event".into()));
                    }
                    return Step::Advance(n + 12);
                }
                // `<!DOCTYPE`, `<!ENTITY`, `<!ELEMENT`, …: refused.
                self.start.get_or_insert(at);
                self.fault.get_or_insert((at, DOCTYPE_REFUSED.to_string()));
                self.mode = Mode::Dtd {
                    brackets: 0,
                    quote: None,
                };
                Step::Advance(2)
            }
            Some(b'/') => {
                let Some(n) = memchr(b'>', tag) else {
                    return self.unterminated(tag, eof, "an end tag");
                };
                let end = at + n + 1;
                if self.depth == 0 {
                    self.pos = end;
                    return Step::Emit(Piece::Fault {
                        start: at,
                        end,
                        at,
                        message: "an end tag that closes nothing".to_string(),
                    });
                }
                self.depth -= 1;
                self.pos = end;
                if self.depth == 0 {
                    Step::Emit(self.finish(end))
                } else {
                    Step::Advance(0)
                }
            }
            _ => {
                // A start tag or an empty-element tag: find its `>` outside quotes.
                let mut k = 1;
                loop {
                    let Some(n) = first_of(&tag[k..], [b'>', b'"', b'\'']) else {
                        return self.unterminated(tag, eof, "a tag");
                    };
                    k += n;
                    let q = tag[k];
                    if q == b'>' {
                        break;
                    }
                    let Some(m) = first_of(&tag[k + 1..], [q; 3]) else {
                        return self.unterminated(tag, eof, "a quoted value");
                    };
                    k += m + 2;
                }
                let end = at + k + 1;
                let empty = k >= 2 && tag[k - 1] == b'/';
                self.start.get_or_insert(at);
                if empty {
                    if self.depth == 0 {
                        self.pos = end;
                        return Step::Emit(self.finish(end));
                    }
                } else {
                    self.depth += 1;
                    if self.depth > DEPTH_MAX {
                        self.fault.get_or_insert((
                            at,
                            format!("elements nest deeper than {DEPTH_MAX} levels"),
                        ));
                    }
                }
                Step::Advance(k + 1)
            }
        }
    }

    /// Markup whose end is not in the bytes given: wait for more, unless
    /// the stream is over or the markup alone is already too long.
    fn unterminated(&mut self, tag: &[u8], eof: bool, what: &str) -> Step {
        if !eof && tag.len() <= EVENT_BYTES_MAX {
            return Step::Wait;
        }
        let at = self.pos;
        let start = self.start.take().unwrap_or(at);
        let end = at + tag.len();
        self.pos = end;
        self.depth = 0;
        let (fault_at, message) = self.fault.take().unwrap_or((
            at,
            if eof {
                format!("the input ends inside {what}")
            } else {
                format!("{what} longer than {EVENT_BYTES_MAX} bytes")
            },
        ));
        Step::Emit(Piece::Fault {
            start,
            end,
            at: fault_at,
            message,
        })
    }

    /// Skips a document type declaration (its internal subset in brackets,
    /// quoted literals); returns the bytes up to and including its `>`, or
    /// `None` if it does not end in `rest`.
    fn skip_dtd(&mut self, rest: &[u8]) -> Option<usize> {
        let Mode::Dtd {
            mut brackets,
            mut quote,
        } = self.mode
        else {
            return Some(0);
        };
        let mut k = 0;
        let result = loop {
            if let Some(q) = quote {
                match memchr(q, &rest[k..]) {
                    Some(n) => {
                        k += n + 1;
                        quote = None;
                    }
                    None => break None,
                }
                continue;
            }
            let Some(n) = memchr2(b'>', b'[', &rest[k..])
                .into_iter()
                .chain(memchr3(b']', b'"', b'\'', &rest[k..]))
                .min()
            else {
                break None;
            };
            k += n;
            match rest[k] {
                b'[' => brackets += 1,
                b']' => brackets = brackets.saturating_sub(1),
                b'"' | b'\'' => quote = Some(rest[k]),
                _ if brackets == 0 => break Some(k + 1),
                _ => {}
            }
            k += 1;
        };
        self.mode = Mode::Dtd { brackets, quote };
        result
    }
}

/// Where the first of `bytes` is in `hay`: `memchr3`'s answer, found eight
/// bytes at a time in a plain loop. The spans searched (a tag's name, a
/// quoted value) are mostly shorter than a vectorised search needs to pay
/// for its start.
fn first_of(hay: &[u8], bytes: [u8; 3]) -> Option<usize> {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Marks (high bit) the bytes of `word` equal to `b`; the lowest mark is
    // always a true one, which is all that is read.
    let marks = |word: u64, b: u8| {
        let x = word ^ (LOW * u64::from(b));
        x.wrapping_sub(LOW) & !x & HIGH
    };
    let mut chunks = hay.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word);
        let found = marks(word, bytes[0]) | marks(word, bytes[1]) | marks(word, bytes[2]);
        if found != 0 {
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|b| bytes.contains(b))
        .map(|n| at + n)
}

enum Step {
    /// More bytes are needed.
    Wait,
    /// Move past this many bytes.
    Advance(usize),
    /// A frame is complete (the position is already past it).
    Emit(Piece),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(text: &str) -> Vec<String> {
        Splitter::split_all(text.as_bytes())
            .into_iter()
            .map(|p| match p {
                Piece::Event { start, end } => format!("ok {}", &text[start..end]),
                Piece::Fault {
                    start,
                    end,
                    at,
                    message,
                } => format!("bad {start}..{end} @{at}: {message}"),
            })
            .collect()
    }

    #[test]
    fn first_of_finds_what_memchr3_finds() {
        let hay = b"<event a='1' b=\"x>y\" c='\xe9\x80\x80'>\x22\x27\x3e\xff\x00";
        for start in 0..hay.len() {
            for end in start..=hay.len() {
                let h = &hay[start..end];
                for set in [
                    [b'>', b'"', b'\''],
                    [b'"'; 3],
                    [b'\''; 3],
                    [0xff; 3],
                    [0; 3],
                ] {
                    assert_eq!(
                        first_of(h, set),
                        memchr3(set[0], set[1], set[2], h),
                        "{start}..{end} {set:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn splits_back_to_back_events() {
        let text = "<?xml version=\"1.0\"?>\n<event a='>'><point/></event><?xml version='1.0'?><event/>  <event><d><!-- </event> --><![CDATA[</event>]]></d></event>\n";
        assert_eq!(
            frames(text),
            [
                "ok <?xml version=\"1.0\"?>\n<event a='>'><point/></event>",
                "ok <?xml version='1.0'?><event/>",
                "ok <event><d><!-- </event> --><![CDATA[</event>]]></d></event>",
            ]
        );
    }

    #[test]
    fn a_cut_event_is_one_fault_and_the_next_is_read() {
        let text = "<?xml version='1.0'?><event><point/><?xml version='1.0'?><event></event>";
        assert_eq!(
            frames(text),
            [
                "bad 0..36 @0: the event that begins here is incomplete: a new XML declaration begins at byte 36 before it ends",
                "ok <?xml version='1.0'?><event></event>",
            ]
        );
    }

    #[test]
    fn refuses_doctype_and_junk_and_unclosed() {
        let text =
            "<!DOCTYPE x [<!ENTITY a \"]>\">]><event>&a;</event>junk<event></event></x><event>";
        let f = frames(text);
        assert_eq!(f.len(), 5, "{f:?}");
        assert!(
            f[0].starts_with("bad 0..49 @0: document type declarations"),
            "{f:?}"
        );
        assert_eq!(f[1], "bad 49..53 @49: text outside any event");
        assert_eq!(f[2], "ok <event></event>");
        assert_eq!(f[3], "bad 68..72 @68: an end tag that closes nothing");
        assert_eq!(
            f[4],
            "bad 72..79 @72: the input ends inside the event that begins here (1 element still open)"
        );
    }

    #[test]
    fn bounds_depth() {
        let deep = format!("{}{}", "<a>".repeat(40), "</a>".repeat(40));
        let f = frames(&deep);
        assert_eq!(f.len(), 1);
        assert!(f[0].contains("nest deeper than 32"), "{f:?}");
    }

    #[test]
    fn bounds_size_without_holding_the_bytes() {
        let big = format!("<event>{}</event><event/>", "x".repeat(3 * EVENT_BYTES_MAX));
        let mut s = Splitter::new();
        let mut buf: Vec<u8> = Vec::new();
        let mut pieces = Vec::new();
        let mut held_max = 0;
        for chunk in big.as_bytes().chunks(4096) {
            buf.extend_from_slice(chunk);
            while let Some(p) = s.next(&buf, false) {
                pieces.push(p);
            }
            let drop = s.keep_from() - (s.base);
            buf.drain(..drop);
            s.rebase(s.keep_from());
            held_max = held_max.max(buf.len());
        }
        while let Some(p) = s.next(&buf, true) {
            pieces.push(p);
        }
        assert_eq!(pieces.len(), 2, "{pieces:?}");
        assert!(
            matches!(&pieces[0], Piece::Fault { message, .. } if message.contains("longer than"))
        );
        assert!(matches!(pieces[1], Piece::Event { .. }));
        // Held until the event is known to be too long, never after.
        assert!(
            held_max <= EVENT_BYTES_MAX + 2 * 4096,
            "held {held_max} bytes"
        );
    }

    #[test]
    fn any_chunking_gives_the_same_frames() {
        let text = "<?xml version='1.0'?>\n<event uid='a' t=\"x>y\"><detail><!-- c --><x/></detail></event><?xml version='1.0'?><event uid='b'/>\n";
        let whole = Splitter::split_all(text.as_bytes());
        for size in 1..text.len() {
            let mut s = Splitter::new();
            let mut buf = Vec::new();
            let mut got = Vec::new();
            for chunk in text.as_bytes().chunks(size) {
                buf.extend_from_slice(chunk);
                while let Some(p) = s.next(&buf, false) {
                    got.push(p);
                }
            }
            while let Some(p) = s.next(&buf, true) {
                got.push(p);
            }
            assert_eq!(got, whole, "chunks of {size}");
        }
    }
}
