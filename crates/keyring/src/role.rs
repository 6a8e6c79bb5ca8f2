//! The roles an operational key may be granted: what each lets a request
//! signed with it do.

/// Every role, with what it lets a key do. A grant names one or more of
/// them; any other name is refused.
pub const ROLES: &[(&str, &str)] = &[
    (
        "reporter",
        "submits observations, retractions and amendments of its party's inputs",
    ),
    ("analyst", "submits reviews and observations"),
    (
        "leader",
        "votes on tiers: a leader's office signing off escalations",
    ),
    ("inspector", "attests compliance checklist items"),
    ("logistics", "reports deliveries"),
    ("operations", "reports on orders"),
    ("auditor", "reads restricted views"),
];

/// True when `name` is one of [`ROLES`].
pub fn is_role(name: &str) -> bool {
    ROLES.iter().any(|(role, _)| *role == name)
}

/// The role names, comma-separated, for messages: `reporter, analyst, …`.
pub fn role_list() -> String {
    ROLES
        .iter()
        .map(|(role, _)| *role)
        .collect::<Vec<_>>()
        .join(", ")
}
