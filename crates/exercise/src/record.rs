//! The run's log: every input and every decision, in the order the engine
//! saw and made them, as ledger entries ([`ledger::entry`]) — the log a node
//! would keep, so an exercise can be audited like a real night.
//!
//! A restricted observation is logged as a salted commitment; its salt is
//! derived from the run's secret (`HMAC-SHA256(secret, index ‖ input)`), so
//! the same run with the same secret gives the same log, and is released
//! (in [`RunLog::released`]) only to the parties the input names.

use std::collections::BTreeMap;

use base::Timestamp;
use engine::{Decision, Engine, Step};
use hmac::{Hmac, KeyInit, Mac};
use ledger::entry::{self, Evidence, Named};
use ledger::merkle::Tree;
use model::{Input, Visibility};
use serde_json::Value;
use sha2::Sha256;

/// The secret a log's salts are derived from: a hash of its signer key,
/// so it is as secret as the key and the same key gives the same log.
pub fn salt_secret(signer: &ledger::note::Signer) -> [u8; 32] {
    use sha2::Digest;
    let mut h = Sha256::new();
    h.update(b"bulwark-salt-secret/v1\0");
    h.update(signer.encode().as_bytes());
    h.finalize().into()
}

/// How a certification's evidence names a restricted input.
pub const RESTRICTED: &str = "(restricted)";

/// A restricted input's salt, for the parties entitled to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Released {
    pub index: u64,
    pub salt: [u8; 32],
    /// The input's wire form.
    pub input: Value,
    /// The parties that may see it (the submitter and those named).
    pub parties: Vec<String>,
}

/// The log of one run.
#[derive(Clone, Debug, Default)]
pub struct RunLog {
    /// Every entry, in log order (entry `i` is leaf `i`).
    pub entries: Vec<Value>,
    /// Their tree.
    pub tree: Tree,
    /// The log sizes at which a node would have signed a checkpoint: after
    /// each recorded time's inputs and decisions.
    pub checkpoints: Vec<u64>,
    /// The log index of every certification.
    pub certifications: Vec<u64>,
    pub released: Vec<Released>,
}

/// Records a run (or a node's life) as it goes.
#[derive(Debug)]
pub struct Recorder {
    secret: [u8; 32],
    log: RunLog,
    index_of: BTreeMap<String, u64>,
    members: BTreeMap<String, Vec<Named>>,
    pending_reviews: BTreeMap<String, String>,
    reviews: BTreeMap<String, Vec<Named>>,
    /// The identities of restricted inputs, and their entries: decisions
    /// name them by entry, never in clear.
    restricted: BTreeMap<String, u64>,
    /// The canonical bytes of the entries not yet taken (a node writes
    /// them; an exercise never takes them and keeps none).
    bytes: Option<Vec<Vec<u8>>>,
    /// The decisions about each subject, when kept ([`Recorder::traced`]).
    trace: Option<Trace>,
}

/// Which log entries decided what: for each subject a decision names — a
/// breach, a tier of a breach, an order, an incident, a trigger — the
/// entries of those decisions, with their kinds. What a dashboard links
/// each figure to.
#[derive(Clone, Debug, Default)]
pub struct Trace {
    subjects: BTreeMap<String, Vec<(u64, u16)>>,
    kinds: Vec<String>,
}

impl Trace {
    /// The entries about `subject` (`breach:B1`, `tier:B1/t1-rails`,
    /// `order:B1/t1-rails/notify`, `incident:I4`, `trigger:trg-x`), in log
    /// order, each with its decision kind.
    pub fn about(&self, subject: &str) -> Vec<(u64, &str)> {
        self.subjects.get(subject).map_or_else(Vec::new, |l| {
            l.iter()
                .map(|&(i, k)| (i, self.kinds.get(usize::from(k)).map_or("", String::as_str)))
                .collect()
        })
    }

    fn kind(&mut self, kind: &str) -> u16 {
        match self.kinds.iter().position(|k| k == kind) {
            Some(i) => u16::try_from(i).unwrap_or(u16::MAX),
            None => {
                self.kinds.push(kind.to_string());
                u16::try_from(self.kinds.len() - 1).unwrap_or(u16::MAX)
            }
        }
    }

    /// Files decision `index` (its logged fields) under each subject it names.
    fn note(&mut self, index: u64, fields: &Value) {
        let Some(o) = fields.as_object() else {
            return;
        };
        let text = |k: &str| o.get(k).and_then(Value::as_str);
        let kind = self.kind(text("decision").unwrap_or(""));
        let mut add = |subject: String| {
            let list = self.subjects.entry(subject).or_default();
            if list.last().map(|&(i, _)| i) != Some(index) {
                list.push((index, kind));
            }
        };
        if let Some(b) = text("breach") {
            add(format!("breach:{b}"));
            for key in ["tier", "to", "from"] {
                if let Some(t) = text(key) {
                    add(format!("tier:{b}/{t}"));
                }
            }
        }
        for key in ["incident", "order", "trigger"] {
            if let Some(v) = text(key) {
                add(format!("{key}:{v}"));
            }
        }
    }
}

impl Recorder {
    pub fn new(secret: [u8; 32]) -> Recorder {
        Recorder {
            secret,
            log: RunLog::default(),
            index_of: BTreeMap::new(),
            members: BTreeMap::new(),
            pending_reviews: BTreeMap::new(),
            reviews: BTreeMap::new(),
            restricted: BTreeMap::new(),
            bytes: None,
            trace: None,
        }
    }

    /// This recorder, also keeping which entries decided what ([`Trace`]).
    pub fn traced(mut self) -> Recorder {
        self.trace = Some(Trace::default());
        self
    }

    /// Which entries decided what (empty unless [`Recorder::traced`]).
    pub fn trace(&self) -> Option<&Trace> {
        self.trace.as_ref()
    }

    /// The log index of the input `party/source/message`, if recorded.
    pub fn index_of(&self, input: &str) -> Option<u64> {
        self.index_of.get(input).copied()
    }

    /// The observations of `incident` as the recorder knows them (a
    /// restricted one named by its entry only), in order of joining.
    pub fn members(&self, incident: &str) -> &[Named] {
        self.members.get(incident).map_or(&[], Vec::as_slice)
    }

    /// Whether `input` (`party/source/message`) is restricted.
    pub fn is_restricted(&self, input: &str) -> bool {
        self.restricted.contains_key(input)
    }

    /// A recorder that also keeps each entry's canonical bytes until they
    /// are taken ([`Recorder::take`]), so a writer does not encode twice.
    pub fn with_bytes(secret: [u8; 32]) -> Recorder {
        Recorder {
            bytes: Some(Vec::new()),
            ..Recorder::new(secret)
        }
    }

    fn push(&mut self, value: Value) -> u64 {
        let bytes = entry::canonical(&value);
        self.push_encoded(value, bytes)
    }

    /// Appends an entry whose canonical bytes are already known.
    fn push_encoded(&mut self, value: Value, bytes: Vec<u8>) -> u64 {
        let index = self.log.tree.push(&bytes);
        if let Some(kept) = &mut self.bytes {
            kept.push(bytes);
        }
        self.log.entries.push(value);
        index
    }

    /// Logs an input as received at `at`; returns its index.
    pub fn input(&mut self, at: Timestamp, input: &Input) -> u64 {
        let bytes = model::canonical::to_vec(input);
        self.input_encoded(at, input, &bytes)
    }

    /// [`Recorder::input`], given the input's canonical bytes. A recorder
    /// made [`Recorder::with_bytes`] (a node's) keeps `Value::Null` for an
    /// input entry's value — its bytes are what is written — so the input
    /// is not parsed back.
    pub fn input_encoded(&mut self, at: Timestamp, input: &Input, bytes: &[u8]) -> u64 {
        let at = at.to_string();
        let index = self.log.tree.len();
        let id = input.id().to_string();
        if let Input::Review(r) = input {
            self.pending_reviews.insert(id.clone(), r.breach.clone());
        }
        self.index_of.insert(id, index);
        let restricted = match input {
            Input::Observation(o) if o.releasability.visibility == Visibility::Restricted => {
                Some(&o.releasability.to)
            }
            _ => None,
        };
        let Some(to) = restricted else {
            // `{"at":…,"entry":"input","input":…}` is already in canonical
            // key order, the time needs no escaping and the input's bytes
            // are canonical: the entry's bytes are their concatenation.
            let mut encoded = Vec::with_capacity(bytes.len() + at.len() + 40);
            encoded.extend_from_slice(b"{\"at\":\"");
            encoded.extend_from_slice(at.as_bytes());
            encoded.extend_from_slice(b"\",\"entry\":\"input\",\"input\":");
            encoded.extend_from_slice(bytes);
            encoded.push(b'}');
            let value = if self.bytes.is_some() {
                Value::Null
            } else {
                entry::input(&at, serde_json::from_slice(bytes).unwrap_or_default())
            };
            return self.push_encoded(value, encoded);
        };
        let wire: Value = serde_json::from_slice(bytes).unwrap_or_default();
        let salt = self.salt(index, bytes);
        let mut parties: Vec<String> = to.iter().map(ToString::to_string).collect();
        parties.push(input.id().party.to_string());
        parties.sort();
        parties.dedup();
        self.log.released.push(Released {
            index,
            salt,
            input: wire,
            parties,
        });
        self.restricted.insert(input.id().to_string(), index);
        self.push(entry::restricted(&at, &entry::commit(&salt, bytes)))
    }

    /// Logs a key registry record (an enrolment or a signed statement,
    /// `ledger::entry::key`) received at `at`; returns its index.
    pub fn key(&mut self, at: Timestamp, record: Value) -> u64 {
        self.push(entry::key(&at.to_string(), record))
    }

    /// The restricted inputs logged so far, with their salts.
    pub fn released(&self) -> &[Released] {
        &self.log.released
    }

    fn salt(&self, index: u64, bytes: &[u8]) -> [u8; 32] {
        // INVARIANT: HMAC takes a key of any length.
        let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.secret) else {
            return [0; 32];
        };
        mac.update(&index.to_be_bytes());
        mac.update(bytes);
        mac.finalize().into_bytes().into()
    }

    fn named(&self, input: &model::InputId) -> Option<Named> {
        let id = input.to_string();
        let index = *self.index_of.get(&id)?;
        Some(Named {
            index,
            input: if self.restricted.contains_key(&id) {
                RESTRICTED.to_string()
            } else {
                id
            },
        })
    }

    /// `value` with every mention of a restricted input — an identity
    /// object, or its `party/source/message` in a text — replaced by its
    /// log entry.
    pub fn redact(&self, value: &mut Value) {
        self.redact_where(value, &|_| true);
    }

    /// [`Recorder::redact`] of the restricted inputs whose log index
    /// `hide` answers true for (those a reader may not see).
    pub fn redact_where(&self, value: &mut Value, hide: &dyn Fn(u64) -> bool) {
        if self.restricted.is_empty() {
            return;
        }
        match value {
            Value::Object(o) => {
                let id = match (o.get("party"), o.get("source"), o.get("message"), o.len()) {
                    (Some(Value::String(p)), Some(Value::String(s)), Some(Value::String(m)), 3) => {
                        self.restricted.get(&format!("{p}/{s}/{m}")).copied()
                    }
                    _ => None,
                };
                match id {
                    Some(index) if hide(index) => {
                        *value = serde_json::json!({ "restricted_entry": index });
                    }
                    Some(_) => {}
                    None => o.values_mut().for_each(|v| self.redact_where(v, hide)),
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|v| self.redact_where(v, hide)),
            Value::String(text) => {
                for (id, index) in &self.restricted {
                    if hide(*index) && text.contains(id.as_str()) {
                        *text = text.replace(id.as_str(), &format!("(restricted entry {index})"));
                    }
                }
            }
            _ => {}
        }
    }

    /// Logs a decision; returns its index.
    pub fn step(&mut self, step: &Step, engine: &Engine) -> u64 {
        let mut fields = serde_json::to_value(step).unwrap_or_default();
        self.redact(&mut fields);
        let mut certified = None;
        if let Step::Engine(d) = step {
            match d {
                Decision::IncidentOpened {
                    incident, input, ..
                }
                | Decision::IncidentJoined {
                    incident, input, ..
                } => {
                    if let Some(n) = self.named(input) {
                        self.members
                            .entry(incident.to_string())
                            .or_default()
                            .push(n);
                    }
                }
                Decision::ObservationRetracted {
                    retracts, incident, ..
                } => {
                    let id = retracts.to_string();
                    if let Some(m) = self.members.get_mut(incident) {
                        m.retain(|n| n.input != id);
                    }
                }
                Decision::Accepted { input, .. } => {
                    let id = input.to_string();
                    if let Some(breach) = self.pending_reviews.remove(&id)
                        && let Some(n) = self.named(input)
                    {
                        self.reviews.entry(breach).or_default().push(n);
                    }
                }
                Decision::Certified { breach, .. } => {
                    if let Some(b) = engine.breach(breach) {
                        let incidents = b
                            .incidents
                            .iter()
                            .map(|i| (i.clone(), self.members.get(i).cloned().unwrap_or_default()))
                            .collect();
                        let evidence = Evidence {
                            incidents,
                            reviews: self.reviews.get(breach).cloned().unwrap_or_default(),
                        };
                        certified = Some((b.framework_hash, evidence));
                    }
                }
                _ => {}
            }
        }
        if let Some(trace) = &mut self.trace {
            trace.note(self.log.tree.len(), &fields);
        }
        let value = entry::decision(
            fields,
            certified.as_ref().map(|(hash, e)| (hash.as_str(), e)),
        );
        let index = self.push(value);
        if certified.is_some() {
            self.log.certifications.push(index);
        }
        index
    }

    /// A node would sign a checkpoint here.
    pub fn checkpoint(&mut self) {
        let size = self.log.tree.len();
        if self.log.checkpoints.last() != Some(&size) {
            self.log.checkpoints.push(size);
        }
    }

    /// Takes the entries recorded since the last call (a node writes them
    /// out and keeps only the tree).
    pub fn take_entries(&mut self) -> Vec<Value> {
        std::mem::take(&mut self.log.entries)
    }

    /// Takes the entries recorded since the last call with their canonical
    /// bytes (kept by a recorder made [`Recorder::with_bytes`]; encoded
    /// here otherwise).
    pub fn take(&mut self) -> (Vec<Value>, Vec<Vec<u8>>) {
        let entries = std::mem::take(&mut self.log.entries);
        let bytes = match &mut self.bytes {
            Some(kept) => std::mem::take(kept),
            None => entries.iter().map(entry::canonical).collect(),
        };
        (entries, bytes)
    }

    /// The tree of every entry recorded.
    pub fn tree(&self) -> &Tree {
        &self.log.tree
    }

    pub fn finish(mut self) -> RunLog {
        self.checkpoint();
        self.log
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_input_entry_encoded_by_concatenation_is_its_canonical_form() {
        let line = r#"{"v":1,"type":"observation","id":{"party":"ukraine","source":"radar é","message":"m\"1"},"class":"radar","observed":{"from":"2026-03-01T00:01:00.250Z"},"place":{"zone":"ukraine"},"kind":"missile_launch","counts":{"launched":6},"confidence_bp":9000,"attributes":{"z":"\u0001","a":"b"}}"#;
        let input = model::decode_line(line, 1).unwrap();
        for at in [
            Timestamp::parse("2026-03-01T00:05:00Z").unwrap(),
            Timestamp::parse("2026-03-01T00:05:00.125Z").unwrap(),
        ] {
            let mut fast = Recorder::with_bytes([0; 32]);
            fast.input(at, &input);
            let (_, bytes) = fast.take();
            let mut slow = Recorder::new([0; 32]);
            slow.input(at, &input);
            let (values, _) = slow.take();
            assert_eq!(
                String::from_utf8(bytes[0].clone()).unwrap(),
                String::from_utf8(entry::canonical(&values[0])).unwrap()
            );
            assert_eq!(fast.tree().root(), slow.tree().root());
        }
    }

    #[test]
    fn the_trace_files_each_decision_under_every_subject_it_names() {
        use serde_json::json;
        let mut t = Trace::default();
        t.note(
            5,
            &json!({"decision": "tier_entered", "breach": "B1", "tier": "t1"}),
        );
        t.note(
            6,
            &json!({"decision": "escalated", "breach": "B1", "from": "t1", "to": "t2"}),
        );
        t.note(
            7,
            &json!({"decision": "order_issued", "order": "B1/t1/a", "party": "uk"}),
        );
        t.note(
            8,
            &json!({"decision": "incident_opened", "incident": "I1",
                          "input": {"party": "ua", "source": "s", "message": "m"}}),
        );
        t.note(
            9,
            &json!({"decision": "breach_opened", "breach": "B2", "trigger": "trg-x"}),
        );
        t.note(10, &json!("not an object"));
        assert_eq!(
            t.about("breach:B1"),
            vec![(5, "tier_entered"), (6, "escalated")]
        );
        assert_eq!(
            t.about("tier:B1/t1"),
            vec![(5, "tier_entered"), (6, "escalated")]
        );
        assert_eq!(t.about("tier:B1/t2"), vec![(6, "escalated")]);
        assert_eq!(t.about("order:B1/t1/a"), vec![(7, "order_issued")]);
        assert_eq!(t.about("incident:I1"), vec![(8, "incident_opened")]);
        assert_eq!(t.about("trigger:trg-x"), vec![(9, "breach_opened")]);
        assert_eq!(t.about("breach:B2"), vec![(9, "breach_opened")]);
        assert!(t.about("breach:B3").is_empty());
    }
}
