//! Loading a policy: parse, validate against the schema, check the ids it
//! names against the framework, and build the framework's entities.
//!
//! Like the framework loader, this never stops at the first problem: every
//! problem found is returned, each located at `file:line:column`.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::str::FromStr;
use std::sync::Mutex;

use cedar_policy::{
    Entities, Entity, EntityId, EntityTypeName, EntityUid, PolicyId, PolicySet,
    RestrictedExpression, Schema, ValidationMode, Validator,
};
use framework::Framework;
use framework::schema::Role;
use miette::Diagnostic;

use crate::{POLICY_BYTES_MAX, Policy, Problem, RULES_MAX, View};

/// The annotation that names a rule.
const ID_ANNOTATION: &str = "id";
/// The id of the public principal (`Public::"public"`).
pub(crate) const PUBLIC_ID: &str = "public";

impl Policy {
    /// Parses and validates `text` (from `origin`, for messages) for the
    /// framework: each problem as `origin:line:column: message`.
    pub fn load(fw: &Framework, text: &str, origin: &str) -> Result<Policy, Vec<String>> {
        Policy::load_located(fw, text, origin)
            .map_err(|problems| problems.iter().map(ToString::to_string).collect())
    }

    /// Like [`Policy::load`], with each problem's location apart from its
    /// message (for `bulwark check`, which reports them as findings).
    pub fn load_located(fw: &Framework, text: &str, origin: &str) -> Result<Policy, Vec<Problem>> {
        let at_start = |message: String| Problem {
            location: base::Location {
                path: origin.to_string(),
                line: 1,
                column: 1,
            },
            message,
        };
        if text.len() > POLICY_BYTES_MAX {
            return Err(vec![at_start(format!(
                "the policy is {} bytes, more than the {POLICY_BYTES_MAX} accepted: split out what is not a rule",
                text.len()
            ))]);
        }
        let schema = schema()?;
        let types = Types::new().map_err(|message| {
            vec![Problem {
                location: base::Location {
                    path: crate::SCHEMA_ORIGIN.to_string(),
                    line: 1,
                    column: 1,
                },
                message,
            }]
        })?;
        let rules = match PolicySet::from_str(text) {
            Ok(rules) => rules,
            Err(errors) => {
                let lines = base::LineIndex::new(text);
                return Err(errors
                    .iter()
                    .map(|e| located(origin, text, &lines, e, &HashMap::new()))
                    .collect());
            }
        };
        let statements = statements(text);
        let lines = base::LineIndex::new(text);
        let at_rule = |id: &PolicyId, message: String| {
            let offset = rule_index(id)
                .and_then(|i| statements.get(i))
                .map_or(0, |s| s.start);
            let (line, column) = lines.line_column(text, offset);
            Problem {
                location: base::Location {
                    path: origin.to_string(),
                    line,
                    column,
                },
                message,
            }
        };

        let mut problems = Vec::new();
        let count = rules.num_of_policies() + rules.num_of_templates();
        if count == 0 {
            problems.push(at_start(
                "the policy has no rules, so every request would be denied: write at least one `permit`".into(),
            ));
        }
        if count > RULES_MAX {
            problems.push(at_start(format!(
                "the policy has {count} rules, more than the {RULES_MAX} accepted"
            )));
        }
        for template in rules.templates() {
            problems.push(at_rule(
                template.id(),
                "this rule has a slot (`?principal` or `?resource`): bulwark uses no templates, write the rule out for each principal or resource".into(),
            ));
        }

        // Every rule is named, once: the name is what decisions record.
        let mut names = HashMap::new();
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        let mut ordered: Vec<&cedar_policy::Policy> = rules.policies().collect();
        ordered.sort_by_key(|p| rule_index(p.id()));
        for rule in ordered {
            match rule.annotation(ID_ANNOTATION) {
                None | Some("") => problems.push(at_rule(
                    rule.id(),
                    "this rule has no name: put `@id(\"…\")` before it; decisions record the name as their reason".into(),
                )),
                Some(name) => {
                    if !seen.insert(name) {
                        problems.push(at_rule(
                            rule.id(),
                            format!("a second rule is named `{name}`: give each rule its own `@id`"),
                        ));
                    }
                    names.insert(rule.id().clone(), name.to_string());
                }
            }
        }

        let validator = Validator::new(schema.clone());
        let result = validator.validate(&rules, ValidationMode::Strict);
        for e in result.validation_errors() {
            problems.push(located(origin, text, &lines, e, &names));
        }
        for w in result.validation_warnings() {
            problems.push(located(origin, text, &lines, w, &names));
        }

        // Entity literals must name something that exists: a misspelt
        // `Kind::"obsrvation"` type-checks, and silently never matches.
        let ids = Ids::new(fw);
        for rule in rules.policies() {
            let span = rule_index(rule.id()).and_then(|i| statements.get(i));
            for uid in rule.entity_literals() {
                let type_name = uid.type_name().to_string();
                let id = uid.id().unescaped();
                let Some(message) = ids.unknown(&type_name, id) else {
                    continue;
                };
                let offset = span
                    .and_then(|s| {
                        let within = text.get(s.start..s.end)?;
                        within
                            .find(&format!("{type_name}::\"{id}\""))
                            .or_else(|| within.find(&format!("\"{id}\"")))
                            .map(|i| s.start + i)
                    })
                    .or_else(|| span.map(|s| s.start))
                    .unwrap_or(0);
                let (line, column) = lines.line_column(text, offset);
                problems.push(Problem {
                    location: base::Location {
                        path: origin.to_string(),
                        line,
                        column,
                    },
                    message,
                });
            }
        }

        let entities = match entities(fw, &schema, &types) {
            Ok(entities) => entities,
            Err(message) => {
                problems.push(Problem {
                    location: fw.file_start(),
                    message,
                });
                return Err(problems);
            }
        };
        if !problems.is_empty() {
            problems.sort_by(|a, b| a.location.cmp(&b.location));
            return Err(problems);
        }
        let slices = slices(&rules, &schema, &types).map_err(|message| vec![at_start(message)])?;
        // The entities rules name that have attributes or could be
        // dereferenced: every request's store holds them.
        let mut literals: Vec<Entity> = Vec::new();
        for rule in rules.policies() {
            for u in rule.entity_literals() {
                let wanted = [&types.party, &types.tier, &types.class].contains(&u.type_name());
                if wanted && !literals.iter().any(|e| e.uid() == u) {
                    literals.extend(entities.get(&u).cloned());
                }
            }
        }
        Ok(Policy {
            schema,
            types,
            rules,
            slices,
            literals,
            names,
            entities,
            authorizer: cedar_policy::Authorizer::new(),
            parties: numbered(fw.parties.iter().map(|p| p.id.as_str())),
            tiers: numbered(fw.tiers.iter().map(|t| t.id.as_str())),
            items: numbered(fw.relief.items.iter().map(|i| i.id.as_str())),
            classes: numbered(fw.source_classes.iter().map(|c| c.id.as_str())),
            memo: Mutex::new(crate::decide::Memo::default()),
        })
    }

    /// The `@id` of every rule, in file order.
    pub fn rule_ids(&self) -> Vec<&str> {
        let mut rules: Vec<&cedar_policy::Policy> = self.rules.policies().collect();
        rules.sort_by_key(|p| rule_index(p.id()));
        rules
            .iter()
            .filter_map(|p| self.names.get(p.id()).map(String::as_str))
            .collect()
    }

    pub(crate) fn schema(&self) -> &Schema {
        &self.schema
    }

    pub(crate) fn types(&self) -> &Types {
        &self.types
    }

    /// The rules that can apply to a request of kind `slice`.
    pub(crate) fn rules_for(&self, slice: Slice) -> &PolicySet {
        self.slices.get(&slice).unwrap_or(&self.rules)
    }

    /// Every rule.
    #[cfg(test)]
    pub(crate) fn rules(&self) -> &PolicySet {
        &self.rules
    }

    pub(crate) fn name_of(&self, id: &PolicyId) -> String {
        self.names
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }

    pub(crate) fn literals(&self) -> &[Entity] {
        &self.literals
    }

    pub(crate) fn entities(&self) -> &Entities {
        &self.entities
    }

    pub(crate) fn authorizer(&self) -> &cedar_policy::Authorizer {
        &self.authorizer
    }

    pub(crate) fn party_number(&self, party: &str) -> Option<u32> {
        self.parties.get(party).copied()
    }

    pub(crate) fn tier_number(&self, tier: &str) -> Option<u32> {
        self.tiers.get(tier).copied()
    }

    pub(crate) fn item_number(&self, item: &str) -> Option<u32> {
        self.items.get(item).copied()
    }

    pub(crate) fn class_number(&self, class: &str) -> Option<u32> {
        self.classes.get(class).copied()
    }

    pub(crate) fn memo(&self) -> &Mutex<crate::decide::Memo> {
        &self.memo
    }
}

/// A kind of request, as far as the rules' scopes can tell requests apart:
/// the action, and the resource where the scope can name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Slice {
    /// `submit` on `Kind::"<type>"`.
    Submit(&'static str),
    /// `vote` on any tier.
    Vote,
    /// `attest` on any relief item.
    Attest,
    /// `read` on `View::"<view>"`.
    Read(View),
    /// `read_restricted` on any input.
    ReadRestricted,
}

/// The rules that can apply to each kind of request. Cedar evaluates every
/// rule of the set it is given, and most rules are about one action, so
/// each kind of request gets only the rules whose scope admits its action
/// and resource: a rule left out could only have evaluated to false. Where
/// a scope cannot be judged without the resource's id (a tier, an item),
/// the rule is kept — keeping a rule is always safe.
///
/// INVARIANT: resources have no parents and the schema declares no action
/// groups (checked here), so `in` in a scope is equality.
fn slices(
    rules: &PolicySet,
    schema: &Schema,
    t: &Types,
) -> Result<HashMap<Slice, PolicySet>, String> {
    let mut kinds: Vec<(Slice, &str, &EntityTypeName, Option<&str>)> = Vec::new();
    for kind in model::INPUT_TYPES {
        kinds.push((Slice::Submit(kind), "submit", &t.kind, Some(kind)));
    }
    for view in View::ALL {
        kinds.push((Slice::Read(view), "read", &t.view, Some(view.as_str())));
    }
    kinds.push((Slice::Vote, "vote", &t.tier, None));
    kinds.push((Slice::Attest, "attest", &t.item, None));
    kinds.push((
        Slice::ReadRestricted,
        "read_restricted",
        &t.restricted,
        None,
    ));
    let groups = schema.action_groups().next().is_some();
    let mut out = HashMap::new();
    for (slice, action, resource_type, resource_id) in kinds {
        let action = uid(&t.action, action);
        let is_resource = |u: &EntityUid| {
            u.type_name() == resource_type && resource_id.is_none_or(|id| u.id().unescaped() == id)
        };
        let admitted = rules.policies().filter(|rule| {
            let action_ok = match rule.action_constraint() {
                cedar_policy::ActionConstraint::Any => true,
                cedar_policy::ActionConstraint::Eq(a) => a == action || groups,
                cedar_policy::ActionConstraint::In(list) => list.contains(&action) || groups,
            };
            let resource_ok = match rule.resource_constraint() {
                cedar_policy::ResourceConstraint::Any => true,
                cedar_policy::ResourceConstraint::Eq(u)
                | cedar_policy::ResourceConstraint::In(u) => is_resource(&u),
                cedar_policy::ResourceConstraint::Is(ty) => &ty == resource_type,
                cedar_policy::ResourceConstraint::IsIn(ty, u) => {
                    &ty == resource_type && is_resource(&u)
                }
            };
            action_ok && resource_ok
        });
        let set = PolicySet::from_policies(admitted.cloned())
            .map_err(|e| format!("the rules cannot be sorted by request: {e}"))?;
        out.insert(slice, set);
    }
    Ok(out)
}

/// The embedded schema, parsed. It is part of this crate, so a problem
/// with it is a bug here, reported against the schema file.
fn schema() -> Result<Schema, Vec<Problem>> {
    match Schema::from_cedarschema_str(crate::SCHEMA) {
        Ok((schema, _warnings)) => Ok(schema),
        Err(e) => {
            let lines = base::LineIndex::new(crate::SCHEMA);
            Err(vec![located(
                crate::SCHEMA_ORIGIN,
                crate::SCHEMA,
                &lines,
                &e,
                &HashMap::new(),
            )])
        }
    }
}

/// A Cedar error or warning as a located problem: its first labelled span,
/// its message with Cedar's rule numbers replaced by the rules' names, and
/// Cedar's help when it has some.
fn located(
    origin: &str,
    text: &str,
    lines: &base::LineIndex,
    e: &dyn Diagnostic,
    names: &HashMap<PolicyId, String>,
) -> Problem {
    let label = e.labels().and_then(|mut labels| labels.next());
    let offset = label.as_ref().map_or(0, |l| l.offset());

    let (line, column) = lines.line_column(text, offset);
    let mut message = e.to_string();
    // Cedar puts what it expected in the label (`expected `;` or identifier`).
    if let Some(label) = label.as_ref().and_then(|l| l.label())
        && !label.is_empty()
        && !message.contains(label)
    {
        message = format!("{message}: {label}");
    }
    for (id, name) in names {
        message = message.replace(&format!("policy `{id}`"), &format!("rule `{name}`"));
    }
    if let Some(help) = e.help() {
        message = format!("{message} ({help})");
    }
    Problem {
        location: base::Location {
            path: origin.to_string(),
            line,
            column,
        },
        message,
    }
}

/// Where one rule (statement) lies in the policy text.
#[derive(Clone, Copy, Debug)]
struct Statement {
    start: usize,
    /// Just past its `;`.
    end: usize,
}

/// The statements of `text`, in order. Cedar uses `;` only to end a rule,
/// so outside strings and `//` comments each `;` closes one; a rule starts
/// at the first character after the previous one that is neither blank
/// nor in a comment. Used only to locate problems in text Cedar parsed.
fn statements(text: &str) -> Vec<Statement> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = None;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while bytes.get(i).is_some_and(|&c| c != b'\n') {
                    i += 1;
                }
                continue;
            }
            b'"' => {
                start.get_or_insert(i);
                i += 1;
                while let Some(&c) = bytes.get(i) {
                    i += if c == b'\\' { 2 } else { 1 };
                    if c == b'"' {
                        break;
                    }
                }
                continue;
            }
            b';' => {
                if let Some(s) = start.take() {
                    out.push(Statement {
                        start: s,
                        end: i + 1,
                    });
                }
            }
            c if c.is_ascii_whitespace() => {}
            _ => {
                start.get_or_insert(i);
            }
        }
        i += 1;
    }
    if let Some(s) = start {
        out.push(Statement {
            start: s,
            end: text.len(),
        });
    }
    out
}

/// The position in the file of a rule that Cedar numbered `policyN` (it
/// numbers rules and templates in file order).
fn rule_index(id: &PolicyId) -> Option<usize> {
    id.to_string().strip_prefix("policy")?.parse().ok()
}

/// Framework ids numbered in order; a repeated id keeps its first number
/// (the framework checker reports duplicates).
fn numbered<'a>(ids: impl Iterator<Item = &'a str>) -> HashMap<String, u32> {
    let mut out = HashMap::new();
    for (i, id) in (0u32..).zip(ids) {
        out.entry(id.to_string()).or_insert(i);
    }
    out
}

/// The ids a policy may name, per entity type.
struct Ids<'a> {
    parties: HashSet<&'a str>,
    tiers: HashSet<&'a str>,
    items: HashSet<&'a str>,
    classes: HashSet<&'a str>,
}

impl<'a> Ids<'a> {
    fn new(fw: &'a Framework) -> Ids<'a> {
        Ids {
            parties: fw.parties.iter().map(|p| p.id.as_str()).collect(),
            tiers: fw.tiers.iter().map(|t| t.id.as_str()).collect(),
            items: fw.relief.items.iter().map(|i| i.id.as_str()).collect(),
            classes: fw.source_classes.iter().map(|c| c.id.as_str()).collect(),
        }
    }

    /// Why `Type::"id"` names nothing, or `None` if it names something.
    fn unknown(&self, type_name: &str, id: &str) -> Option<String> {
        let list = |ids: &mut dyn Iterator<Item = &str>| {
            let mut ids: Vec<String> = ids.map(|i| format!("`{i}`")).collect();
            ids.sort();
            ids.join(", ")
        };
        let known = match type_name {
            "Kind" => model::INPUT_TYPES.contains(&id),
            "View" => View::ALL.iter().any(|v| v.as_str() == id),
            "Party" => self.parties.contains(id),
            "Tier" => self.tiers.contains(id),
            "ChecklistItem" => self.items.contains(id),
            "SourceClass" => self.classes.contains(id),
            "Public" => id == PUBLIC_ID,
            "RestrictedInput" => {
                return Some(format!(
                    "`RestrictedInput::\"{id}\"` names one input, which a rule cannot know in advance: test `resource.releasable_to` instead"
                ));
            }
            // Keys come and go with the key registry; naming one is allowed.
            _ => true,
        };
        if known {
            return None;
        }
        let choices = match type_name {
            "Kind" => list(&mut model::INPUT_TYPES.iter().copied()),
            "View" => list(&mut View::ALL.iter().map(|v| v.as_str())),
            "Party" => list(&mut self.parties.iter().copied()),
            "Tier" => list(&mut self.tiers.iter().copied()),
            "ChecklistItem" => list(&mut self.items.iter().copied()),
            "SourceClass" => list(&mut self.classes.iter().copied()),
            _ => format!("`{PUBLIC_ID}`"),
        };
        Some(format!(
            "`{type_name}::\"{id}\"` names nothing, so this rule can never match it; the known ids are {choices}"
        ))
    }
}

/// The schema's entity type names, parsed once.
#[derive(Clone, Debug)]
pub(crate) struct Types {
    pub party: EntityTypeName,
    pub key: EntityTypeName,
    pub public: EntityTypeName,
    pub tier: EntityTypeName,
    pub item: EntityTypeName,
    pub class: EntityTypeName,
    pub kind: EntityTypeName,
    pub view: EntityTypeName,
    pub restricted: EntityTypeName,
    pub action: EntityTypeName,
}

impl Types {
    fn new() -> Result<Types, String> {
        let parse = |name: &str| {
            EntityTypeName::from_str(name)
                .map_err(|e| format!("entity type `{name}` does not parse: {e}"))
        };
        Ok(Types {
            party: parse("Party")?,
            key: parse("Key")?,
            public: parse("Public")?,
            tier: parse("Tier")?,
            item: parse("ChecklistItem")?,
            class: parse("SourceClass")?,
            kind: parse("Kind")?,
            view: parse("View")?,
            restricted: parse("RestrictedInput")?,
            action: parse("Action")?,
        })
    }
}

pub(crate) fn uid(type_name: &EntityTypeName, id: &str) -> EntityUid {
    EntityUid::from_type_name_and_id(type_name.clone(), EntityId::new(id))
}

pub(crate) fn party_set<'a>(
    types: &Types,
    parties: impl IntoIterator<Item = &'a str>,
) -> RestrictedExpression {
    RestrictedExpression::new_set(
        parties
            .into_iter()
            .map(|p| RestrictedExpression::new_entity_uid(uid(&types.party, p))),
    )
}

pub(crate) fn string_set<'a>(items: impl IntoIterator<Item = &'a str>) -> RestrictedExpression {
    RestrictedExpression::new_set(
        items
            .into_iter()
            .map(|s| RestrictedExpression::new_string(s.to_string())),
    )
}

/// A framework role as the policy spells it.
pub(crate) fn role_name(role: Role) -> &'static str {
    match role {
        Role::Guarantor => "guarantor",
        Role::Contributor => "contributor",
        Role::ProtectedState => "protected_state",
        Role::Adversary => "adversary",
        Role::Monitor => "monitor",
    }
}

/// The framework's entities, checked against the schema, with the
/// schema's actions. A repeated id keeps its first item (the framework
/// checker reports duplicates; Cedar refuses them).
fn entities(fw: &Framework, schema: &Schema, t: &Types) -> Result<Entities, String> {
    let mut out: BTreeMap<EntityUid, Entity> = BTreeMap::new();
    let mut add = |e: Result<Entity, String>| -> Result<(), String> {
        let e = e?;
        out.entry(e.uid()).or_insert(e);
        Ok(())
    };
    let err = |e: cedar_policy::EntityAttrEvaluationError| e.to_string();
    for p in &fw.parties {
        let roles = p.roles.iter().map(|r| role_name(*r));
        add(Entity::new(
            uid(&t.party, &p.id),
            HashMap::from([("roles".to_string(), string_set(roles))]),
            HashSet::new(),
        )
        .map_err(err))?;
    }
    for tier in &fw.tiers {
        let electorate = tier
            .vote
            .iter()
            .flat_map(|v| v.electorate.iter().map(String::as_str));
        add(Entity::new(
            uid(&t.tier, &tier.id),
            HashMap::from([("electorate".to_string(), party_set(t, electorate))]),
            HashSet::new(),
        )
        .map_err(err))?;
    }
    for i in &fw.relief.items {
        add(Ok(Entity::new_no_attrs(
            uid(&t.item, &i.id),
            HashSet::new(),
        )))?;
    }
    for c in &fw.source_classes {
        let operators = c.operated_by.iter().map(String::as_str);
        add(Entity::new(
            uid(&t.class, &c.id),
            HashMap::from([("operated_by".to_string(), party_set(t, operators))]),
            HashSet::new(),
        )
        .map_err(err))?;
    }
    for kind in model::INPUT_TYPES {
        add(Ok(Entity::new_no_attrs(uid(&t.kind, kind), HashSet::new())))?;
    }
    for view in View::ALL {
        add(Ok(Entity::new_no_attrs(
            uid(&t.view, view.as_str()),
            HashSet::new(),
        )))?;
    }
    add(Ok(Entity::new_no_attrs(
        uid(&t.public, PUBLIC_ID),
        HashSet::new(),
    )))?;
    Entities::from_entities(out.into_values(), Some(schema))
        .map_err(|e| format!("the framework's parties, tiers, relief items and source classes cannot be given to the policy: {e}"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    #[test]
    fn statements_skip_comments_and_strings() {
        let text = "// a; b\n@id(\"x;y\")\npermit (principal, action, resource);\n\n  forbid (principal, action, resource) when { \"\\\";\" == \"\" };";
        let s = statements(text);
        assert_eq!(s.len(), 2);
        assert!(text[s[0].start..].starts_with("@id"));
        assert!(text[s[0].start..s[0].end].ends_with("resource);"));
        assert!(text[s[1].start..].starts_with("forbid"));
        assert_eq!(s[1].end, text.len());
    }
}
