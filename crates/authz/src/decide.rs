//! Deciding one request, and remembering the answer.
//!
//! A request is first resolved against the framework: the ids it names
//! become small numbers, and an id the framework does not know is denied
//! at once with a reason (no rule could be about it). Then Cedar decides,
//! over the framework's entities plus the principal's key (and, for
//! `read_restricted`, the input).
//!
//! The memo: a decision depends only on what Cedar sees — the key's name,
//! party and roles; the action; the resource; the context — and all of it
//! is in the memo's key, so a remembered answer is the answer Cedar would
//! give. A key whose roles change in the registry is a new memo key, and a
//! revoked key is refused before it gets here, so nothing needs to be
//! forgotten when the registry changes; the memo starts over only when it
//! is full ([`MEMO_DECISIONS_MAX`], [`MEMO_KEYS_MAX`]).

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};

use cedar_policy::{
    AuthorizationError, Context, Entities, Entity, EntityUid, RestrictedExpression,
};

use crate::load::{PUBLIC_ID, Slice, party_set, string_set, uid};
use crate::{Decision, KEY_ROLES, MEMO_DECISIONS_MAX, MEMO_KEYS_MAX, Policy, View, What, Who};

/// Remembered decisions, and the numbers given to the keys they concern.
#[derive(Debug, Default)]
pub(crate) struct Memo {
    /// Key name → each (party, roles) seen under that name, with its number.
    keys: HashMap<String, Vec<KnownKey>>,
    key_count: u32,
    /// Bumped whenever key numbers are given anew, so a decision made
    /// under an old numbering is not remembered under the new one.
    generation: u64,
    decisions: HashMap<(Principal, Resource), Decision>,
}

#[derive(Debug)]
struct KnownKey {
    party: u32,
    roles: Vec<String>,
    number: u32,
}

/// The principal, in the memo's key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Principal {
    Public,
    /// The local mode, for a party.
    Local(u32),
    /// A key, by its number in the memo.
    Key(u32),
}

/// The action, resource and context, in the memo's key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Resource {
    Submit {
        kind: &'static str,
        party: u32,
    },
    Vote {
        tier: u32,
        party: u32,
    },
    Attest {
        item: u32,
        class: u32,
        party: u32,
    },
    Read(View),
    /// Releasable to the parties whose numbers are the set bits.
    ReadRestricted(u128),
}

/// A request with every id resolved against the framework.
struct Resolved<'a> {
    who: Who<'a>,
    /// The principal's party number (none for the public).
    party: Option<u32>,
    request: Request<'a>,
    /// `None` when the request cannot be remembered (releasable to a party
    /// the framework does not know, or to a party numbered past 127).
    resource: Option<Resource>,
}

/// How Cedar is asked.
#[derive(Clone, Copy, Debug)]
enum How {
    /// Only the rules that can apply, over only the entities the request can reach.
    Fast,
    /// Every rule over every entity: the plain way, which `Fast` must agree with.
    #[cfg(test)]
    Plain,
}

/// The request in the framework's words.
enum Request<'a> {
    Submit {
        kind: &'static str,
        party: &'a str,
    },
    Vote {
        tier: &'a str,
        party: &'a str,
    },
    Attest {
        item: &'a str,
        class: &'a str,
        party: &'a str,
    },
    Read(View),
    ReadRestricted(&'a [String]),
}

impl Policy {
    /// Decides whether `who` may do `what`, remembering the answer.
    pub fn decide(&self, who: &Who<'_>, what: &What<'_>) -> Decision {
        let resolved = match self.resolve(who, what) {
            Ok(resolved) => resolved,
            Err(denied) => return denied,
        };
        let Some(resource) = resolved.resource else {
            return self.evaluate(&resolved);
        };
        let (principal, generation) = {
            let mut memo = lock(self.memo());
            let principal = memo.principal(who, resolved.party);
            if let Some(decision) = memo.decisions.get(&(principal, resource)) {
                return decision.clone();
            }
            (principal, memo.generation)
        };
        // Cedar runs outside the lock, so remembered answers keep flowing
        // to other threads meanwhile.
        let decision = self.evaluate(&resolved);
        let mut memo = lock(self.memo());
        if memo.generation == generation {
            if memo.decisions.len() >= MEMO_DECISIONS_MAX {
                memo.decisions.clear();
            }
            memo.decisions
                .insert((principal, resource), decision.clone());
        }
        decision
    }

    /// Decides without the memo: what [`Policy::decide`] answers the first
    /// time. For tests and benchmarks.
    pub fn decide_uncached(&self, who: &Who<'_>, what: &What<'_>) -> Decision {
        match self.resolve(who, what) {
            Ok(resolved) => self.evaluate(&resolved),
            Err(denied) => denied,
        }
    }

    /// Resolves the ids of a request, or denies it when one names nothing.
    fn resolve<'a>(&self, who: &Who<'a>, what: &What<'a>) -> Result<Resolved<'a>, Decision> {
        let party = match who {
            Who::Public => None,
            Who::Key { party, .. } | Who::Local { party } => {
                Some(self.party_number(party).ok_or_else(|| {
                    denied(format!(
                        "{} belongs to `{party}`, which is not a party of the framework: the key registry and the framework disagree",
                        describe_who(who)
                    ))
                })?)
            }
        };
        let input_party = |p: &'a str| -> Result<u32, Decision> {
            self.party_number(p).ok_or_else(|| {
                denied(format!(
                    "the input claims to be from `{p}`, which is not a party of the framework"
                ))
            })
        };
        let (request, resource) = match what {
            What::Submit(input) => {
                let p: &'a str = input.id().party.as_str();
                match input {
                    model::Input::Vote(v) => {
                        let party = input_party(p)?;
                        let tier = self.tier_number(&v.tier).ok_or_else(|| {
                            denied(format!(
                                "`{}` is not a tier of the framework, so there is nothing to vote on",
                                v.tier
                            ))
                        })?;
                        (
                            Request::Vote {
                                tier: &v.tier,
                                party: p,
                            },
                            Some(Resource::Vote { tier, party }),
                        )
                    }
                    model::Input::Attestation(a) => {
                        let party = input_party(p)?;
                        let item = self.item_number(&a.item).ok_or_else(|| {
                            denied(format!(
                                "`{}` is not an item of the framework's relief checklist",
                                a.item
                            ))
                        })?;
                        let class = self.class_number(&a.class).ok_or_else(|| {
                            denied(format!(
                                "`{}` is not a source class of the framework",
                                a.class
                            ))
                        })?;
                        (
                            Request::Attest {
                                item: &a.item,
                                class: &a.class,
                                party: p,
                            },
                            Some(Resource::Attest { item, class, party }),
                        )
                    }
                    _ => {
                        let party = input_party(p)?;
                        let kind = input.type_name();
                        (
                            Request::Submit { kind, party: p },
                            Some(Resource::Submit { kind, party }),
                        )
                    }
                }
            }
            What::Read(view) => (Request::Read(*view), Some(Resource::Read(*view))),
            What::ReadRestricted { releasable_to } => {
                let mut mask = 0u128;
                let mut all_known = true;
                for p in *releasable_to {
                    match self.party_number(p) {
                        Some(n) if n < 128 => mask |= 1 << n,
                        _ => all_known = false,
                    }
                }
                (
                    Request::ReadRestricted(releasable_to),
                    all_known.then_some(Resource::ReadRestricted(mask)),
                )
            }
        };
        Ok(Resolved {
            who: *who,
            party,
            request,
            resource,
        })
    }

    /// Asks Cedar.
    fn evaluate(&self, r: &Resolved<'_>) -> Decision {
        match self.ask_cedar(r, How::Fast) {
            Ok(decision) => decision,
            Err(problem) => denied(format!(
                "the request could not be put to the policy ({problem}): {} {}",
                describe_who(&r.who),
                describe_request(&r.request)
            )),
        }
    }

    /// The entities a request can reach: the principal's key and its
    /// party, the input's party and source class, the tier voted on, the
    /// restricted input, and the framework entities the rules name. Cedar
    /// can follow an entity only through an attribute (`principal.party`,
    /// `context.class`) — it has no way to pick an element out of a set —
    /// so no rule can tell this store from the whole framework's; kinds,
    /// views, relief items and the public have no attributes or parents,
    /// so leaving them out changes nothing either. The store stays a
    /// handful of entities, whose hierarchy Cedar computes on every request.
    fn store(&self, r: &Resolved<'_>, extra: Vec<Entity>) -> Result<Entities, String> {
        let t = self.types();
        let mut reached: Vec<EntityUid> = Vec::with_capacity(4);
        match r.who {
            Who::Key { party, .. } | Who::Local { party } => reached.push(uid(&t.party, party)),
            Who::Public => {}
        }
        match &r.request {
            Request::Submit { party, .. } => reached.push(uid(&t.party, party)),
            Request::Vote { tier, party } => {
                reached.push(uid(&t.party, party));
                reached.push(uid(&t.tier, tier));
            }
            Request::Attest { class, party, .. } => {
                reached.push(uid(&t.party, party));
                reached.push(uid(&t.class, class));
            }
            Request::Read(_) | Request::ReadRestricted(_) => {}
        }
        let mut all: Vec<Entity> = self.literals().to_vec();
        for u in reached {
            if !all.iter().any(|e| e.uid() == u)
                && let Some(e) = self.entities().get(&u)
            {
                all.push(e.clone());
            }
        }
        all.extend(extra);
        Entities::from_entities(all, None).map_err(|e| e.to_string())
    }

    fn ask_cedar(&self, r: &Resolved<'_>, how: How) -> Result<Decision, String> {
        let t = self.types();
        let mut extra: Vec<Entity> = Vec::with_capacity(2);
        let principal: EntityUid = match r.who {
            Who::Public => uid(&t.public, PUBLIC_ID),
            Who::Key { name, party, roles } => {
                let key = key_entity(t, name, party, roles.iter().map(String::as_str))?;
                let id = key.uid();
                extra.push(key);
                id
            }
            Who::Local { party } => {
                let key = key_entity(t, "local", party, KEY_ROLES)?;
                let id = key.uid();
                extra.push(key);
                id
            }
        };
        let party_ref = |p: &str| RestrictedExpression::new_entity_uid(uid(&t.party, p));
        let (action, resource, context) = match &r.request {
            Request::Submit { kind, party } => (
                "submit",
                uid(&t.kind, kind),
                vec![("input_party", party_ref(party))],
            ),
            Request::Vote { tier, party } => (
                "vote",
                uid(&t.tier, tier),
                vec![("input_party", party_ref(party))],
            ),
            Request::Attest { item, class, party } => (
                "attest",
                uid(&t.item, item),
                vec![
                    ("input_party", party_ref(party)),
                    (
                        "class",
                        RestrictedExpression::new_entity_uid(uid(&t.class, class)),
                    ),
                ],
            ),
            Request::Read(view) => ("read", uid(&t.view, view.as_str()), Vec::new()),
            Request::ReadRestricted(releasable_to) => {
                let input = Entity::new(
                    uid(&t.restricted, "input"),
                    HashMap::from([(
                        "releasable_to".to_string(),
                        party_set(t, releasable_to.iter().map(String::as_str)),
                    )]),
                    HashSet::new(),
                )
                .map_err(|e| e.to_string())?;
                let id = input.uid();
                extra.push(input);
                ("read_restricted", id, Vec::new())
            }
        };
        let context = Context::from_pairs(context.into_iter().map(|(k, v)| (k.to_string(), v)))
            .map_err(|e| e.to_string())?;
        let request = cedar_policy::Request::new(
            principal,
            uid(&t.action, action),
            resource,
            context,
            Some(self.schema()),
        )
        .map_err(|e| e.to_string())?;
        let slice = match &r.request {
            Request::Submit { kind, .. } => Slice::Submit(kind),
            Request::Vote { .. } => Slice::Vote,
            Request::Attest { .. } => Slice::Attest,
            Request::Read(view) => Slice::Read(*view),
            Request::ReadRestricted(_) => Slice::ReadRestricted,
        };
        let response = match how {
            #[cfg(test)]
            How::Plain => {
                let store = self
                    .entities()
                    .clone()
                    .add_entities(extra, None)
                    .map_err(|e| e.to_string())?;
                self.authorizer()
                    .is_authorized(&request, self.rules(), &store)
            }
            How::Fast => {
                let store = self.store(r, extra)?;
                self.authorizer()
                    .is_authorized(&request, self.rules_for(slice), &store)
            }
        };

        let mut decided: Vec<String> = response
            .diagnostics()
            .reason()
            .map(|id| self.name_of(id))
            .collect();
        decided.sort();
        let decided = decided
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut errors: Vec<String> = response
            .diagnostics()
            .errors()
            .map(|e| match e {
                AuthorizationError::PolicyEvaluationError(e) => {
                    format!("`{}`: {}", self.name_of(e.policy_id()), e.inner())
                }
            })
            .collect();
        errors.sort();
        let failed = if errors.is_empty() {
            String::new()
        } else {
            format!(
                "; {} rule{} could not be evaluated and did not count ({})",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" },
                errors.join("; ")
            )
        };
        let what = || format!("{} {}", describe_who(&r.who), describe_request(&r.request));
        Ok(match response.decision() {
            cedar_policy::Decision::Allow => Decision {
                allowed: true,
                reason: format!("allowed by {decided}{failed}"),
            },
            cedar_policy::Decision::Deny if decided.is_empty() => {
                denied(format!("no rule permits {}{failed}", what()))
            }
            cedar_policy::Decision::Deny => Decision {
                allowed: false,
                reason: format!("denied by {decided}: {}{failed}", what()),
            },
        })
    }
}

impl Memo {
    /// The principal's number in the memo, given one if it is new.
    fn principal(&mut self, who: &Who<'_>, party: Option<u32>) -> Principal {
        let (name, roles) = match who {
            Who::Public => return Principal::Public,
            Who::Local { .. } => return Principal::Local(party.unwrap_or(u32::MAX)),
            Who::Key { name, roles, .. } => (*name, *roles),
        };
        let party = party.unwrap_or(u32::MAX);
        if let Some(known) = self
            .keys
            .get(name)
            .and_then(|v| v.iter().find(|k| k.party == party && k.roles == roles))
        {
            return Principal::Key(known.number);
        }
        if self.key_count as usize >= MEMO_KEYS_MAX {
            self.keys.clear();
            self.decisions.clear();
            self.key_count = 0;
            self.generation += 1;
        }
        let number = self.key_count;
        self.key_count += 1;
        self.keys
            .entry(name.to_string())
            .or_default()
            .push(KnownKey {
                party,
                roles: roles.to_vec(),
                number,
            });
        Principal::Key(number)
    }
}

/// The memo, even if a thread panicked while holding it: every change to
/// it is a single insert or clear, so it is never half-updated.
fn lock(memo: &Mutex<Memo>) -> MutexGuard<'_, Memo> {
    memo.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn key_entity<'a>(
    t: &crate::load::Types,
    name: &str,
    party: &str,
    roles: impl IntoIterator<Item = &'a str>,
) -> Result<Entity, String> {
    let party_uid = uid(&t.party, party);
    Entity::new(
        uid(&t.key, name),
        HashMap::from([
            (
                "party".to_string(),
                RestrictedExpression::new_entity_uid(party_uid.clone()),
            ),
            ("roles".to_string(), string_set(roles)),
        ]),
        HashSet::from([party_uid]),
    )
    .map_err(|e| e.to_string())
}

fn denied(reason: String) -> Decision {
    Decision {
        allowed: false,
        reason: format!("denied: {reason}"),
    }
}

/// The principal in words.
pub(crate) fn describe_who(who: &Who<'_>) -> String {
    match who {
        Who::Public => "the public".to_string(),
        Who::Key {
            name,
            party,
            roles: [],
        } => {
            format!("key `{name}` of `{party}` (no roles)")
        }
        Who::Key { name, party, roles } => {
            format!("key `{name}` of `{party}` ({})", roles.join(", "))
        }
        Who::Local { party } => format!("the local operator of `{party}` (every role)"),
    }
}

fn describe_request(r: &Request<'_>) -> String {
    match r {
        Request::Submit { kind, party } => format!("submitting {} as `{party}`", kind_phrase(kind)),
        Request::Vote { tier, party } => format!("voting on tier `{tier}` as `{party}`"),
        Request::Attest { item, class, party } => {
            format!("attesting relief item `{item}` with source class `{class}` as `{party}`")
        }
        Request::Read(view) => format!("reading the `{}` view", view.as_str()),
        Request::ReadRestricted([]) => "reading a restricted input releasable to nobody".into(),
        Request::ReadRestricted(to) => format!(
            "reading a restricted input releasable to {}",
            to.iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// An input kind with its article, in words.
pub(crate) fn kind_phrase(kind: &str) -> String {
    match kind {
        "observation" => "an observation".into(),
        "attestation" => "an attestation".into(),
        "order_report" => "an order report".into(),
        "amendment" => "an amendment".into(),
        "outage" => "an outage".into(),
        other => format!("a {}", other.replace('_', " ")),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::sample;

    /// Rules that reach entities every way a rule can: literals with
    /// attributes, membership, attributes of context entities, `has`.
    const EXOTIC: &str = r#"
        @id("turkey-does-not-vote")
        forbid (principal, action == Action::"vote", resource)
        when { principal in Party::"turkey" };

        @id("t3-electorate-observes")
        permit (principal is Key, action == Action::"submit", resource == Kind::"observation")
        when { Tier::"t3-energy-shipping".electorate.contains(principal.party) };

        @id("monitors-deliver")
        permit (principal, action == Action::"submit", resource == Kind::"delivery")
        when { context.input_party.roles.contains("monitor") };

        @id("radar-attests")
        permit (principal is Key, action, resource is ChecklistItem)
        when { context has class && SourceClass::"radar".operated_by.contains(context.input_party) && context.class == SourceClass::"radar" };

        @id("anyone-reads-unless-empty")
        permit (principal, action == Action::"read_restricted", resource)
        when { !resource.releasable_to.isEmpty() && (resource has releasable_to) };

        @id("ukrainian-keys-read")
        permit (principal, action in [Action::"read"], resource)
        when { principal is Key && principal.party.roles.contains("protected_state") };

        @id("tier-voters")
        permit (principal is Key, action == Action::"vote", resource)
        when { resource.electorate.contains(principal.party) && principal.party == context.input_party };
    "#;

    fn framework() -> framework::Framework {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/ukraine-2025");
        let text = std::fs::read_to_string(dir.join("framework.toml")).unwrap();
        framework::load("framework.toml", &text, &framework::NoFiles).0
    }

    /// Every kind of request for a few principals of every party: the fast
    /// way (rules that can apply, entities the request reaches) decides
    /// exactly as every rule over every entity does, reasons included.
    fn agree(policy: &Policy, fw: &framework::Framework) -> usize {
        let parties: Vec<&str> = fw.parties.iter().map(|p| p.id.as_str()).collect();
        let role_sets: Vec<Vec<String>> = [
            &[][..],
            &["reporter"],
            &["leader"],
            &["inspector", "logistics"],
            &["analyst", "auditor"],
            &KEY_ROLES,
        ]
        .iter()
        .map(|set| set.iter().map(|r| r.to_string()).collect())
        .collect();
        let mut inputs = Vec::new();
        for p in &parties {
            for kind in model::INPUT_TYPES {
                inputs.push(sample::input(kind, p).unwrap());
            }
            for tier in &fw.tiers {
                inputs.push(sample::vote(p, &tier.id));
            }
            for class in &fw.source_classes {
                inputs.push(sample::attestation(p, "rel-pullback", &class.id));
            }
        }
        let sets: Vec<Vec<String>> = vec![
            Vec::new(),
            vec!["ukraine".into()],
            vec!["us".into(), "uk".into()],
            vec!["atlantis".into()],
        ];
        let mut whats: Vec<What<'_>> = inputs.iter().map(What::Submit).collect();
        whats.extend(View::ALL.map(What::Read));
        whats.extend(
            sets.iter()
                .map(|s| What::ReadRestricted { releasable_to: s }),
        );
        let mut whos = vec![Who::Public];
        for p in &parties {
            whos.push(Who::Local { party: p });
        }
        for p in ["ukraine", "us", "turkey", "technical-cell", "russia"] {
            for roles in &role_sets {
                whos.push(Who::Key {
                    name: "k",
                    party: p,
                    roles,
                });
            }
        }
        let mut compared = 0;
        let mut allowed = 0;
        for who in &whos {
            for what in &whats {
                // Ids the framework lacks are denied before Cedar is asked.
                let Ok(r) = policy.resolve(who, what) else {
                    continue;
                };
                let fast = policy.ask_cedar(&r, How::Fast).unwrap();
                let plain = policy.ask_cedar(&r, How::Plain).unwrap();
                assert_eq!(fast, plain, "{who:?} {what:?}");
                compared += 1;
                allowed += usize::from(fast.allowed);
            }
        }
        assert!(
            allowed > 100 && allowed < compared - 100,
            "{allowed} of {compared}"
        );
        compared
    }

    #[test]
    fn the_fast_way_agrees_with_the_plain_way_on_the_shipped_policy() {
        let fw = framework();
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/ukraine-2025");
        let text = std::fs::read_to_string(dir.join(crate::POLICY_FILE)).unwrap();
        let policy = Policy::load(&fw, &text, "policy.cedar").unwrap();
        assert!(agree(&policy, &fw) > 5_000);
    }

    #[test]
    fn the_fast_way_agrees_with_the_plain_way_on_rules_that_reach_further() {
        let fw = framework();
        let policy = Policy::load(&fw, EXOTIC, "exotic.cedar").unwrap();
        assert!(!policy.literals().is_empty());
        assert!(agree(&policy, &fw) > 5_000);
    }
}
