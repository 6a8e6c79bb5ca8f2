//! The sequencer: the one writer of a framework's log (DESIGN, "One
//! sequencer per framework"). It orders inputs, applies them to the
//! decision engine with their recorded time, logs every input and decision,
//! and commits each group — events, log entries, a signed checkpoint and
//! the orders to notify — in one durable transaction before anything is
//! acknowledged.
//!
//! On start it replays the stored events into a fresh engine and checks
//! that they give the stored log byte for byte (a different engine or
//! framework is refused, never allowed to rewrite history); then it records
//! its downtime as an `outage` input, so clocks waiting on parties are
//! extended, and moves the clock to now, so overdue clocks fire at once —
//! once, since what fired before the crash is in the replayed state.
//!
//! Beside the engine it keeps the delivery chains (`supply::chain::Book`):
//! a delivery step the book would refuse (from a party that does not own
//! the step, for a commitment the framework lacks) is refused at
//! submission, like an input from another party, and nothing is logged;
//! the replay at start rebuilds the book from the stored inputs.

use std::collections::BTreeMap;
use std::path::Path;

use base::Timestamp;
use engine::ladder::LadderEvent;
use engine::{Decider, Step};
use exercise::record::Recorder;
use framework::Framework;
use ledger::merkle;
use ledger::note::{self, Checkpoint, Signer};
use model::{Input, InputId, Outage};
use serde::Serialize;
use serde_json::Value;
use store::sqlite::{Commit, Event, NewOrder, NodeStore};

/// Downtime shorter than this is not recorded as an outage.
pub const OUTAGE_MIN_MS: i64 = 5_000;

/// Why the node cannot go on.
#[derive(Debug)]
pub enum NodeError {
    Store(store::logdir::StoreError),
    Engine(engine::EngineError),
    /// The stored history does not replay to the stored log: why.
    Diverged(String),
    /// The data directory belongs to another framework: why.
    OtherFramework(String),
    /// A request the node will not carry out: why.
    Refused(String),
}

impl std::fmt::Display for NodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NodeError::Store(e) => write!(f, "{e}"),
            NodeError::Engine(e) => write!(f, "the engine stopped: {e}"),
            NodeError::Diverged(why) => write!(f, "refusing to start: {why}"),
            NodeError::OtherFramework(why) => write!(f, "refusing to start: {why}"),
            NodeError::Refused(why) => write!(f, "{why}"),
        }
    }
}

impl std::error::Error for NodeError {}

impl From<store::logdir::StoreError> for NodeError {
    fn from(e: store::logdir::StoreError) -> NodeError {
        NodeError::Store(e)
    }
}

impl From<engine::EngineError> for NodeError {
    fn from(e: engine::EngineError) -> NodeError {
        NodeError::Engine(e)
    }
}

/// What the node answers for one input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Receipt {
    /// `party/source/message`.
    pub input: String,
    /// Its log index.
    pub log_index: u64,
    /// Its recorded time.
    pub recorded_at: Timestamp,
    /// True when the same input was received before: this is the original
    /// receipt, and nothing changed.
    pub duplicate: bool,
}

/// An input refused before it was sequenced (nothing logged).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Refused {
    pub input: String,
    pub reason: String,
}

/// One input's answer.
pub type Answer = Result<Receipt, Refused>;

/// What starting found.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Startup {
    pub events_replayed: usize,
    pub log_size: u64,
    /// Downtime recorded as an outage, in milliseconds.
    pub outage_ms: Option<i64>,
    /// Decisions made at start (clocks overdue while the node was down).
    pub overdue_decisions: usize,
}

/// The sequencer.
#[derive(Debug)]
pub struct Sequencer {
    decider: Decider,
    rec: Recorder,
    store: NodeStore,
    signer: Signer,
    node_party: String,
    framework_hash: String,
    /// Every input received: its log index and recorded time, by identity.
    receipts: BTreeMap<String, (u64, Timestamp)>,
    now: Timestamp,
    logged: u64,
    /// Nonces of signed requests remembered in the store at start, and
    /// those admitted since (by the node's guard) not yet written.
    nonces: httpsig::NonceWindow,
    pending_nonces: Vec<store::sqlite::Nonce>,
    /// The parties' keys, as the log's key entries made them.
    registry: keyring::Registry,
    /// Each observation's reported position, by its log index (the map).
    positions: BTreeMap<u64, (i32, i32)>,
    /// Every commitment's delivery chains, as the delivery inputs
    /// sequenced so far made them (rebuilt by the replay at start).
    book: supply::chain::Book,
}

impl Sequencer {
    /// Opens the node's store in `data` (made if new), replays it, records
    /// the downtime since its last commit and moves the clock to `now`.
    pub fn open(
        fw: &Framework,
        data: &Path,
        signer: Signer,
        node_party: &str,
        now: Timestamp,
    ) -> Result<(Sequencer, Startup), NodeError> {
        std::fs::create_dir_all(data).map_err(|error| store::logdir::StoreError::Io {
            path: data.to_path_buf(),
            error,
        })?;
        let mut store = NodeStore::open(&data.join("node.sqlite"))?;
        let hash = fw.hash_hex();
        match store.meta("framework_hash")? {
            Some(h) if h != hash => {
                return Err(NodeError::OtherFramework(format!(
                    "the data directory holds the log of framework {}, and this framework's hash is {}; give its own data directory to each framework (an amendment is an input, not a new file)",
                    h.get(..12).unwrap_or_default(),
                    hash.get(..12).unwrap_or_default()
                )));
            }
            Some(_) => {}
            None => store.set_meta("framework_hash", &hash)?,
        }
        let mut s = Sequencer {
            decider: Decider::new(fw)?,
            rec: Recorder::with_bytes(exercise::record::salt_secret(&signer)).traced(),
            store,
            signer,
            node_party: node_party.to_string(),
            framework_hash: hash,
            receipts: BTreeMap::new(),
            now: Timestamp::from_millis(i64::MIN / 2),
            logged: 0,
            nonces: httpsig::NonceWindow::new(),
            pending_nonces: Vec::new(),
            registry: keyring::Registry::default(),
            positions: BTreeMap::new(),
            book: supply::chain::Book::new(&fw.commitments, &fw.parties),
        };
        let now_s = now.millis().div_euclid(1000);
        for n in s.store.nonces(now_s)? {
            // Remembered before the restart: still refused until they lapse.
            let _ = s
                .nonces
                .check_and_remember(&n.keyid, &n.nonce, n.until_s, now_s);
        }
        let mut startup = Startup::default();
        let events = s.store.events()?;
        startup.events_replayed = events.len();
        for e in &events {
            match e {
                Event::Input { at_ms, input, .. } => {
                    let text = String::from_utf8_lossy(input);
                    let decoded = model::decode_line(&text, 1).map_err(|err| {
                        NodeError::Diverged(format!("a stored input no longer decodes: {err}"))
                    })?;
                    s.apply(Timestamp::from_millis(*at_ms), &decoded, input)?;
                }
                Event::Tick { at_ms } => {
                    s.advance(Timestamp::from_millis(*at_ms))?;
                }
                Event::Key { at_ms, record } => {
                    s.replay_key(Timestamp::from_millis(*at_ms), record)?;
                }
            }
        }
        let (_, replayed) = s.rec.take();
        let stored = s.store.log()?;
        if let Some(i) =
            (0..replayed.len().max(stored.len())).find(|&i| replayed.get(i) != stored.get(i))
        {
            return Err(NodeError::Diverged(format!(
                "replaying the {} stored events gives a log that differs from the stored one at entry {i} ({} entries replayed, {} stored): this engine ({}) does not decide as the one that wrote it; history is never rewritten — run the version that wrote it, or start a new data directory",
                events.len(),
                replayed.len(),
                stored.len(),
                engine::ENGINE_VERSION
            )));
        }
        s.logged = replayed.len() as u64;
        startup.log_size = s.logged;
        if s.logged == 0 {
            // A new log: its first checkpoint, of the empty tree.
            s.commit(Vec::new(), Vec::new(), now)?;
        }
        // Downtime since the last commit.
        let now = s.clamp(now);
        if let Some(alive) = s.store.alive_ms()?
            && now.millis() - alive >= OUTAGE_MIN_MS
            && !events.is_empty()
        {
            let outage = Input::Outage(Outage {
                id: InputId {
                    party: s.node_party.as_str().into(),
                    source: "sequencer".into(),
                    message: format!("outage-{alive}").as_str().into(),
                },
                from: Timestamp::from_millis(alive),
                until: now,
                note: Some("the node was down (restart)".into()),
            });
            let (answers, logged) = s.submit(now, None, vec![outage])?;
            if answers.iter().all(Result::is_ok) {
                startup.outage_ms = Some(now.millis() - alive);
            }
            startup.overdue_decisions += logged.iter().filter(|e| e["entry"] == "decision").count();
        }
        startup.overdue_decisions += s.tick(now)?.len();
        Ok((s, startup))
    }

    fn clamp(&self, now: Timestamp) -> Timestamp {
        if now < self.now { self.now } else { now }
    }

    /// Applies one input (replay or live); returns the decisions' entries.
    fn apply(
        &mut self,
        at: Timestamp,
        input: &Input,
        bytes: &[u8],
    ) -> Result<(u64, Vec<Step>), NodeError> {
        self.now = at;
        let index = self.rec.input_encoded(at, input, bytes);
        if let Input::Observation(o) = input {
            let at = o
                .place
                .point
                .map(|p| (p.lon_e7, p.lat_e7))
                .or_else(|| o.place.track.first().map(|p| (p.lon_e7, p.lat_e7)));
            if let Some(p) = at {
                self.positions.insert(index, p);
            }
        }
        let steps = self.decider.submit(at, input)?;
        for step in &steps {
            self.rec.step(step, self.decider.engine());
        }
        if let Input::Delivery(d) = input
            && input.validate().is_empty()
        {
            // An invalid step is logged with the engine's rejection and
            // never reaches the book. Live, `stage` checked the step first,
            // so it is taken; on replay a stored step the book refuses is
            // kept out of it as it was before: history is not rewritten.
            let _ = self.book.apply(d);
        }
        self.receipts.insert(input.id().to_string(), (index, at));
        Ok((index, steps))
    }

    fn advance(&mut self, at: Timestamp) -> Result<Vec<Step>, NodeError> {
        self.now = at;
        let steps = self.decider.advance(at)?;
        for step in &steps {
            self.rec.step(step, self.decider.engine());
        }
        Ok(steps)
    }

    /// Sequences a batch of inputs from `party` (`None`: the node's own),
    /// recorded at `now`, and commits them durably. Returns one answer per
    /// input, in order, and the entries logged.
    pub fn submit(
        &mut self,
        now: Timestamp,
        party: Option<&str>,
        inputs: Vec<model::Input>,
    ) -> Result<(Vec<Answer>, Vec<Value>), NodeError> {
        let (mut answers, entries) =
            self.submit_group(now, vec![(party.map(str::to_string), inputs)])?;
        Ok((answers.pop().unwrap_or_default(), entries))
    }

    /// Several submissions — each a party and its inputs — sequenced in
    /// order at `now` and committed in one transaction (a group commit):
    /// one answer list per submission.
    pub fn submit_group(
        &mut self,
        now: Timestamp,
        group: Vec<(Option<String>, Vec<model::Input>)>,
    ) -> Result<(Vec<Vec<Answer>>, Vec<Value>), NodeError> {
        let now = self.clamp(now);
        let mut events = Vec::new();
        let mut orders = Vec::new();
        let mut all = Vec::with_capacity(group.len());
        for (party, inputs) in group {
            let mut answers = Vec::with_capacity(inputs.len());
            for input in inputs {
                answers.push(self.stage(now, party.as_deref(), input, &mut events, &mut orders)?);
            }
            all.push(answers);
        }
        let entries = self.commit(events, orders, now)?;
        Ok((all, entries))
    }

    /// Sequences one input (not yet committed).
    fn stage(
        &mut self,
        now: Timestamp,
        party: Option<&str>,
        input: model::Input,
        events: &mut Vec<Event>,
        orders: &mut Vec<NewOrder>,
    ) -> Result<Answer, NodeError> {
        let id = input.id().to_string();
        if let Some(&(log_index, recorded_at)) = self.receipts.get(&id) {
            return Ok(Ok(Receipt {
                input: id,
                log_index,
                recorded_at,
                duplicate: true,
            }));
        }
        if let Some(p) = party
            && input.id().party.as_str() != p
        {
            return Ok(Err(Refused {
                input: id,
                reason: format!(
                    "you are authenticated as `{p}`, and this input is from `{}`: a party submits only its own inputs",
                    input.id().party
                ),
            }));
        }
        if let Input::Delivery(d) = &input
            && let Err(why) = self.book.check(d)
        {
            // A step the book would refuse is refused here, before it is
            // logged: nothing changes.
            return Ok(Err(Refused {
                input: id,
                reason: why.reason,
            }));
        }
        let bytes = model::canonical::to_vec(&input);
        let (index, steps) = self.apply(now, &input, &bytes)?;
        orders.extend(self.orders(&steps));
        events.push(Event::Input {
            at_ms: now.millis(),
            party: party.map(str::to_string),
            input: bytes,
        });
        Ok(Ok(Receipt {
            input: id,
            log_index: index,
            recorded_at: now,
            duplicate: false,
        }))
    }

    /// Moves the clock to `now`; commits what it decided.
    pub fn tick(&mut self, now: Timestamp) -> Result<Vec<Value>, NodeError> {
        let now = self.clamp(now);
        let steps = self.advance(now)?;
        if steps.is_empty() {
            return Ok(Vec::new());
        }
        let orders = self.orders(&steps);
        self.commit(
            vec![Event::Tick {
                at_ms: now.millis(),
            }],
            orders,
            now,
        )
    }

    /// The orders issued among `steps` — the last entries recorded, one
    /// per step — for the outbox.
    fn orders(&self, steps: &[Step]) -> Vec<NewOrder> {
        let base = self.rec.tree().len().saturating_sub(steps.len() as u64);
        steps
            .iter()
            .enumerate()
            .filter_map(|(i, step)| match step {
                Step::Ladder(LadderEvent::OrderIssued {
                    order,
                    party: Some(p),
                    due,
                    at,
                    ..
                }) => {
                    let log_index = base + i as u64;
                    let payload = serde_json::json!({
                        "order": order, "party": p, "issued_at": at, "due": due,
                        "log_index": log_index, "framework_hash": self.framework_hash,
                    });
                    Some(NewOrder {
                        order_id: order.clone(),
                        party: p.clone(),
                        log_index,
                        payload: payload.to_string(),
                    })
                }
                _ => None,
            })
            .collect()
    }

    /// Writes what was recorded since the last commit, with a checkpoint
    /// signed over it, in one transaction.
    fn commit(
        &mut self,
        events: Vec<Event>,
        outbox: Vec<NewOrder>,
        now: Timestamp,
    ) -> Result<Vec<Value>, NodeError> {
        let (entries, bytes) = self.rec.take();
        let tree = self.rec.tree();
        let body = Checkpoint {
            origin: self.signer.verifier().name.clone(),
            size: tree.len(),
            root: tree.root(),
            extensions: Vec::new(),
        };
        let note = note::sign(&body.encode(), std::slice::from_ref(&self.signer))
            .map_err(|e| NodeError::Diverged(format!("signing a checkpoint: {e}")))?;
        let commit = Commit {
            events,
            log_from: self.logged,
            log: bytes,
            checkpoint: Some((body.size, note)),
            outbox,
            alive_ms: now.millis(),
            nonces: std::mem::take(&mut self.pending_nonces),
        };
        self.store.commit(&commit)?;
        self.logged = body.size;
        Ok(entries)
    }

    /// Queues a nonce admitted elsewhere (the node's guard) to be written
    /// with the next commit, or by [`Sequencer::flush_nonces`].
    pub fn remember(&mut self, keyid: &str, nonce: &str, until_s: i64) {
        self.pending_nonces.push(store::sqlite::Nonce {
            keyid: keyid.to_string(),
            nonce: nonce.to_string(),
            until_s,
        });
    }

    /// The nonces remembered at start (from the store) and admitted since.
    pub fn nonce_window(&self) -> httpsig::NonceWindow {
        self.nonces.clone()
    }

    /// Writes the admitted nonces that no commit has written yet (after a
    /// signed read), durably.
    pub fn flush_nonces(&mut self) -> Result<(), NodeError> {
        if self.pending_nonces.is_empty() {
            return Ok(());
        }
        let now_s = self.now.millis().div_euclid(1000);
        self.store.remember_nonces(&self.pending_nonces, now_s)?;
        self.pending_nonces.clear();
        Ok(())
    }

    /// The parties' keys.
    pub fn registry(&self) -> &keyring::Registry {
        &self.registry
    }

    /// The restricted inputs logged, with their salts and the parties
    /// each may be released to.
    pub fn released(&self) -> &[exercise::record::Released] {
        self.rec.released()
    }

    /// Enrols `party`'s root key from the operator's registry file: logged
    /// as a `key` entry. A party whose root is already in the log keeps
    /// it: the file may name its current root or an earlier one (a root
    /// changes only by a statement signed by the current root). Returns
    /// whether the root was new.
    pub fn enrol(
        &mut self,
        party: &str,
        root: &ledger::note::Verifier,
        now: Timestamp,
    ) -> Result<bool, NodeError> {
        if self.registry.root(party).is_some() {
            return if self.registry.knows_root(party, root) {
                Ok(false)
            } else {
                Err(NodeError::Refused(format!(
                    "the registry file gives `{party}` the root key `{}`, and the log holds another root for `{party}`: a root changes only by a `rotate_root` statement signed by the current root (docs/keys.md); put the party's current root in the file",
                    root.encode()
                )))
            };
        }
        let now = self.clamp(now);
        self.now = now;
        let record = keyring::Registry::entry_for_enrol(party, root);
        let mut probe = self.registry.clone();
        probe
            .enrol(party, root, self.rec.tree().len())
            .map_err(|e| NodeError::Refused(e.to_string()))?;
        self.rec.key(now, record.clone());
        self.registry = probe;
        self.commit(
            vec![Event::Key {
                at_ms: now.millis(),
                record: ledger::entry::canonical(&record),
            }],
            Vec::new(),
            now,
        )?;
        Ok(true)
    }

    /// Checks a key statement, logs it and puts it in force: its log index,
    /// or why it was refused (nothing logged).
    pub fn key_statement(
        &mut self,
        now: Timestamp,
        signed: &keyring::Signed,
    ) -> Result<Result<u64, String>, NodeError> {
        if let Err(e) = self.registry.check(signed) {
            return Ok(Err(e.to_string()));
        }
        let now = self.clamp(now);
        self.now = now;
        let record = signed.entry_record();
        let index = self.rec.tree().len();
        if let Err(e) = self.registry.apply(signed, index) {
            return Ok(Err(e.to_string()));
        }
        self.rec.key(now, record.clone());
        self.commit(
            vec![Event::Key {
                at_ms: now.millis(),
                record: ledger::entry::canonical(&record),
            }],
            Vec::new(),
            now,
        )?;
        Ok(Ok(index))
    }

    /// Replays a stored key record.
    fn replay_key(&mut self, at: Timestamp, bytes: &[u8]) -> Result<(), NodeError> {
        let record: Value = serde_json::from_slice(bytes)
            .map_err(|e| NodeError::Diverged(format!("a stored key record is not JSON: {e}")))?;
        self.now = at;
        let index = self.rec.tree().len();
        let entry = ledger::entry::key(&at.to_string(), record.clone());
        self.registry.apply_entry(&entry, index).map_err(|e| {
            NodeError::Diverged(format!("a stored key record no longer applies: {e}"))
        })?;
        self.rec.key(at, record);
        Ok(())
    }

    /// The decider, to read the state from.
    /// The recorder: which entries decided what (its trace), the
    /// observations of each incident, and the redaction of restricted
    /// inputs for public views.
    pub fn recorder(&self) -> &Recorder {
        &self.rec
    }

    /// Where the observation at log index `index` was reported (its point,
    /// or its track's first): `(lon_e7, lat_e7)`.
    pub fn position(&self, index: u64) -> Option<(i32, i32)> {
        self.positions.get(&index).copied()
    }

    /// The log index of an input sequenced, by its identity.
    pub fn log_index(&self, id: &InputId) -> Option<u64> {
        self.receipts.get(&id.to_string()).map(|(index, _)| *index)
    }

    /// Every commitment's delivery chains (`supply::chain`).
    pub fn book(&self) -> &supply::chain::Book {
        &self.book
    }

    pub fn decider(&self) -> &Decider {
        &self.decider
    }

    /// The log's size and root (hex).
    pub fn log_head(&self) -> (u64, String) {
        (self.rec.tree().len(), merkle::hex(&self.rec.tree().root()))
    }

    /// The latest signed checkpoint.
    pub fn checkpoint(&self) -> Result<Option<(u64, String)>, NodeError> {
        Ok(self.store.latest_checkpoint()?)
    }

    /// The store (read side).
    pub fn store(&self) -> &NodeStore {
        &self.store
    }

    /// The inclusion proof of entry `index` in the current tree.
    pub fn inclusion_proof(&self, index: u64) -> Option<Vec<String>> {
        let tree = self.rec.tree();
        tree.inclusion_proof(index, tree.len())
            .ok()
            .map(|p| p.iter().map(|h| merkle::hex(h)).collect())
    }

    /// A tile of the log in the C2SP tlog-tiles layout (`tile/0/000`,
    /// `tile/entries/x001/234.p/7`, …), for the current tree.
    pub fn tile(&self, path: &str) -> Result<Vec<u8>, String> {
        use ledger::tiles::{self, Kind, TileId};
        let id = TileId::parse(path).map_err(|e| e.to_string())?;
        match id.kind() {
            Kind::Hashes(_) => tiles::hash_tile(self.rec.tree(), id).map_err(|e| e.to_string()),
            Kind::Entries => {
                let (start, end) = id
                    .span()
                    .ok_or_else(|| format!("{path} is beyond the log"))?;
                if end > self.rec.tree().len() {
                    return Err(format!(
                        "{path} is beyond the log of {} entries",
                        self.rec.tree().len()
                    ));
                }
                let entries = self
                    .store
                    .log_range(start, end)
                    .map_err(|e| e.to_string())?;
                tiles::entry_bundle(id, start, &entries).map_err(|e| e.to_string())
            }
        }
    }

    /// The evidence pack of breach `breach`'s latest certification, with
    /// proofs for the latest checkpoint (docs/ledger.md).
    pub fn pack(&self, breach: &str) -> Result<Option<ledger::pack::Pack>, String> {
        let Some((size, note)) = self.checkpoint().map_err(|e| e.to_string())? else {
            return Ok(None);
        };
        let entries: Vec<Value> = self
            .store
            .log_range(0, size)
            .map_err(|e| e.to_string())?
            .iter()
            .map(|b| serde_json::from_slice(b).unwrap_or_default())
            .collect();
        let Some(index) = entries.iter().rposition(|e| {
            e["entry"] == "decision" && e["decision"] == "certified" && e["breach"] == breach
        }) else {
            return Ok(None);
        };
        ledger::pack::build(
            self.rec.tree(),
            &entries,
            index as u64,
            &self.signer.verifier(),
            &note,
            size,
        )
        .map(Some)
    }

    /// The number of inputs received.
    pub fn inputs(&self) -> usize {
        self.receipts.len()
    }
}
