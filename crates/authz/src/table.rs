//! The table of what a policy answers, for people: each kind of request
//! against each kind of party and key role. `docs/authorization.md` holds
//! the table of the shipped policy on the example framework between two
//! markers, and a test keeps it equal to [`table`]'s output.

use framework::Framework;
use framework::schema::Role;

use crate::{KEY_ROLES, Policy, View, What, Who, sample};

/// Opens the generated section of `docs/authorization.md`.
pub const TABLE_BEGIN: &str =
    "<!-- BEGIN GENERATED TABLE: `authz::table` writes what follows; do not edit by hand. -->";
/// Closes the generated section of `docs/authorization.md`.
pub const TABLE_END: &str = "<!-- END GENERATED TABLE -->";

/// Who asks, in one column.
#[derive(Clone, Copy)]
enum Asker<'a> {
    /// Keys of `party` (one key per role) for inputs of `input_party`.
    Keys {
        party: &'a str,
        input_party: &'a str,
    },
    Public {
        input_party: &'a str,
    },
    Local {
        party: &'a str,
    },
}

impl<'a> Asker<'a> {
    /// The party the inputs claim to be from.
    fn input_party(self) -> &'a str {
        match self {
            Asker::Keys { input_party, .. } | Asker::Public { input_party } => input_party,
            Asker::Local { party } => party,
        }
    }

    /// The asker's own party (the input's for the public).
    fn party(self) -> &'a str {
        match self {
            Asker::Keys { party, .. } | Asker::Local { party } => party,
            Asker::Public { input_party } => input_party,
        }
    }
}

/// One row: a kind of request.
#[derive(Clone, Copy)]
enum Row {
    Submit(&'static str),
    /// A vote on a tier whose electorate has (true) or lacks the party.
    Vote(bool),
    /// An attestation with a class the party operates (true) or not.
    Attest(bool),
    Read(View),
    /// A restricted input releasable to the party (true) or only to another.
    ReadRestricted(bool),
}

impl Row {
    fn label(self) -> String {
        match self {
            Row::Submit(kind) => format!("submit {}", crate::decide::kind_phrase(kind)),
            Row::Vote(true) => "vote on a tier whose electorate has the party".into(),
            Row::Vote(false) => "vote on a tier whose electorate lacks the party".into(),
            Row::Attest(true) => "attest a relief item with a class the party operates".into(),
            Row::Attest(false) => {
                "attest a relief item with a class the party does not operate".into()
            }
            Row::Read(view) => format!("read the `{}` view", view.as_str()),
            Row::ReadRestricted(true) => "read a restricted input releasable to the party".into(),
            Row::ReadRestricted(false) => {
                "read a restricted input releasable only to another party".into()
            }
        }
    }
}

/// The table, in Markdown, of what `policy` answers on `fw`: one row per
/// kind of request, one column per kind of party. A key column lists the
/// key roles whose key (holding that role alone) is allowed, `—` for none,
/// `every role` for all of [`KEY_ROLES`];
/// the public and local columns say `yes` or `no`; `n/a` where the
/// framework has nothing to ask about (no such party, tier or class).
pub fn table(fw: &Framework, policy: &Policy) -> String {
    let first_with = |role: Role| {
        fw.parties
            .iter()
            .find(|p| p.roles.contains(&role))
            .map(|p| p.id.as_str())
    };
    let guarantor = first_with(Role::Guarantor);
    let protected = first_with(Role::ProtectedState);
    let monitor = first_with(Role::Monitor);
    let adversary = first_with(Role::Adversary);

    let mut columns: Vec<(String, Option<Asker<'_>>)> = Vec::new();
    for (title, party) in [
        ("guarantor", guarantor),
        ("protected state", protected),
        ("monitor", monitor),
        ("adversary", adversary),
    ] {
        columns.push((
            match party {
                Some(p) => format!("{title} (`{p}`)"),
                None => format!("{title} (none)"),
            },
            party.map(|p| Asker::Keys {
                party: p,
                input_party: p,
            }),
        ));
    }
    let other = match (guarantor, protected) {
        (Some(g), Some(p)) => Some(Asker::Keys {
            party: g,
            input_party: p,
        }),
        _ => None,
    };
    columns.push((
        match other {
            Some(Asker::Keys { party, input_party }) => {
                format!("another party's input (`{party}` key, `{input_party}` input)")
            }
            _ => "another party's input".into(),
        },
        other,
    ));
    columns.push((
        match protected {
            Some(p) => format!("Public (`{p}` input)"),
            None => "Public".into(),
        },
        protected.map(|p| Asker::Public { input_party: p }),
    ));
    columns.push((
        match protected {
            Some(p) => format!("Local (`{p}`)"),
            None => "Local".into(),
        },
        protected.map(|p| Asker::Local { party: p }),
    ));

    let mut rows: Vec<Row> = model::INPUT_TYPES
        .iter()
        .filter_map(|&kind| match kind {
            "vote" | "attestation" => None,
            _ => Some(Row::Submit(kind)),
        })
        .collect();
    rows.extend([
        Row::Vote(true),
        Row::Vote(false),
        Row::Attest(true),
        Row::Attest(false),
    ]);
    rows.extend(View::ALL.map(Row::Read));
    rows.extend([Row::ReadRestricted(true), Row::ReadRestricted(false)]);

    let mut out = String::new();
    out.push_str("| request |");
    for (title, _) in &columns {
        out.push_str(&format!(" {title} |"));
    }
    out.push_str("\n|---|");
    out.push_str(&"---|".repeat(columns.len()));
    out.push('\n');
    for row in rows {
        out.push_str(&format!("| {} |", row.label()));
        for (_, asker) in &columns {
            let cell = asker.map_or_else(|| "n/a".to_string(), |a| cell(fw, policy, row, a));
            out.push_str(&format!(" {cell} |"));
        }
        out.push('\n');
    }
    out
}

/// What one column answers for one row.
fn cell(fw: &Framework, policy: &Policy, row: Row, asker: Asker<'_>) -> String {
    let party = asker.party();
    let input_party = asker.input_party();
    let other = fw
        .parties
        .iter()
        .map(|p| p.id.as_str())
        .find(|&p| p != party);
    let input = match row {
        Row::Submit(kind) => sample::input(kind, input_party),
        Row::Vote(has) => fw
            .tiers
            .iter()
            .find(|t| {
                let in_it = t
                    .vote
                    .as_ref()
                    .is_some_and(|v| v.electorate.iter().any(|p| p == party));
                in_it == has
            })
            .map(|t| sample::vote(input_party, &t.id)),
        Row::Attest(operates) => {
            let class = fw
                .source_classes
                .iter()
                .find(|c| c.operated_by.iter().any(|p| p == party) == operates);
            match (fw.relief.items.first(), class) {
                (Some(item), Some(class)) => {
                    Some(sample::attestation(input_party, &item.id, &class.id))
                }
                _ => None,
            }
        }
        Row::Read(_) | Row::ReadRestricted(_) => None,
    };
    let releasable: Vec<String> = match row {
        Row::ReadRestricted(true) => vec![input_party.to_string()],
        Row::ReadRestricted(false) => other.map(str::to_string).into_iter().collect(),
        _ => Vec::new(),
    };
    let what = match row {
        Row::Read(view) => What::Read(view),
        Row::ReadRestricted(false) if other.is_none() => return "n/a".into(),
        Row::ReadRestricted(_) => What::ReadRestricted {
            releasable_to: &releasable,
        },
        _ => match &input {
            Some(input) => What::Submit(input),
            None => return "n/a".into(),
        },
    };
    let yes_no = |allowed: bool| if allowed { "yes" } else { "no" }.to_string();
    match asker {
        Asker::Public { .. } => yes_no(policy.decide_uncached(&Who::Public, &what).allowed),
        Asker::Local { party } => {
            yes_no(policy.decide_uncached(&Who::Local { party }, &what).allowed)
        }
        Asker::Keys { party, .. } => {
            let allowed: Vec<&str> = KEY_ROLES
                .iter()
                .copied()
                .filter(|role| {
                    let roles = [role.to_string()];
                    let who = Who::Key {
                        name: "k",
                        party,
                        roles: &roles,
                    };
                    policy.decide_uncached(&who, &what).allowed
                })
                .collect();
            if allowed.is_empty() {
                "—".into()
            } else if allowed.len() == KEY_ROLES.len() {
                "every role".into()
            } else {
                allowed.join(", ")
            }
        }
    }
}
