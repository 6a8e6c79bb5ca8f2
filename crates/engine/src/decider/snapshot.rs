//! [`Decider::snapshot`] and [`Decider::restore`]: the format and its rules
//! are in `crate::snapshot`.

use framework::Framework;
use model::Input;
use serde::{Deserialize, Serialize};

use super::Decider;
use crate::ladder::LadderState;
use crate::snapshot::{self, SnapshotError};
use crate::state::EngineState;

/// A snapshot's body: both halves, and what the decider itself holds.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Body {
    engine: EngineState,
    ladder: LadderState,
    in_force: usize,
    /// The inputs the ladder took, in identity order.
    ladder_seen: Vec<Input>,
}

impl Decider {
    /// The decider's mutable state as bytes (see `crate::snapshot` for the
    /// format): the same state always gives the same bytes.
    pub fn snapshot(&self) -> Result<Vec<u8>, SnapshotError> {
        // No `..`: a field added to `Decider` must be placed here first.
        let Decider {
            engine,
            ladder,
            versions,
            in_force,
            parties: _,
            ladder_seen,
        } = self;
        let hashes: Vec<String> = versions.iter().map(|v| v.hash.clone()).collect();
        let body = Body {
            engine: engine.save(),
            ladder: ladder.save(),
            in_force: *in_force,
            ladder_seen: ladder_seen.values().cloned().collect(),
        };
        snapshot::encode(&hashes, &body)
    }

    /// A decider over `fw` and `amendments` (as [`Decider::with_versions`],
    /// compiled again from them) in the state a snapshot recorded. Refused
    /// unless the frameworks have the hashes the snapshot recorded, in the
    /// same order, and the bytes are an intact snapshot of this format
    /// version whose state hangs together.
    pub fn restore(
        fw: &Framework,
        amendments: &[&Framework],
        bytes: &[u8],
    ) -> Result<Decider, SnapshotError> {
        let mut given = vec![fw.hash_hex()];
        given.extend(amendments.iter().map(|a| a.hash_hex()));
        let body: Body = snapshot::decode(&given, bytes)?;
        let mut decider =
            Decider::with_versions(fw, amendments).map_err(SnapshotError::Framework)?;
        if body.in_force >= decider.versions.len() {
            return Err(SnapshotError::Inconsistent(format!(
                "version in force {} is not one of the {} versions given",
                body.in_force,
                decider.versions.len()
            )));
        }
        decider
            .engine
            .load(body.engine)
            .map_err(SnapshotError::Inconsistent)?;
        decider
            .ladder
            .load(body.ladder)
            .map_err(SnapshotError::Inconsistent)?;
        decider.in_force = body.in_force;
        for input in body.ladder_seen {
            let id = input.id().clone();
            if decider.ladder_seen.insert(id.clone(), input).is_some() {
                return Err(SnapshotError::Inconsistent(format!(
                    "ladder input {id} is recorded twice"
                )));
            }
        }
        Ok(decider)
    }
}
