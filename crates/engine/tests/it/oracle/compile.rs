//! The framework, compiled for the engine: lookups by id, defaults filled
//! in, and the category → observation-kind mapping.

use std::collections::{BTreeMap, BTreeSet};

use base::Duration;
use framework::Framework;
use framework::load::Geometry;
use framework::schema::{
    Accumulate, Category, CountKind, EvidenceStandard, Fusion, RangeEnd, Role, ZoneKind,
};
use model::kinds;

#[derive(Debug)]
pub(crate) struct ClassInfo {
    pub operated_by: BTreeSet<String>,
    pub neutral: bool,
    pub late_max: Option<Duration>,
}

#[derive(Debug)]
pub(crate) struct ZoneInfo {
    pub kind: ZoneKind,
    pub within: Option<String>,
    pub geometry: Option<Geometry>,
}

#[derive(Debug)]
pub(crate) struct TriggerInfo {
    pub id: String,
    pub category: Category,
    pub kinds: Vec<String>,
    pub zones: Vec<String>,
    pub weapons: Vec<String>,
    pub targets: Vec<String>,
    pub window: Duration,
    pub threshold: i64,
    pub count: CountKind,
    pub range_end: RangeEnd,
    pub standard: Option<String>,
    pub accumulate: Option<Accumulate>,
}

#[derive(Debug)]
pub(crate) struct Compiled {
    pub id: String,
    pub version: String,
    pub hash: String,
    pub adversaries: BTreeSet<String>,
    pub protected: BTreeSet<String>,
    pub parties: BTreeSet<String>,
    pub classes: BTreeMap<String, ClassInfo>,
    pub weapons: BTreeSet<String>,
    pub weapon_parent: BTreeMap<String, String>,
    pub zones: BTreeMap<String, ZoneInfo>,
    pub standards: BTreeMap<String, EvidenceStandard>,
    pub triggers: Vec<TriggerInfo>,
    pub fusion: Fusion,
}

/// The observation kinds a category counts, unless a trigger lists its own.
pub(crate) fn default_kinds(category: Category) -> Vec<String> {
    let list: &[&str] = match category {
        Category::Missile => &[kinds::MISSILE_LAUNCH, kinds::MISSILE_IMPACT],
        Category::Drone => &[kinds::DRONE_LAUNCH, kinds::DRONE_IMPACT],
        Category::Armour => &[kinds::ARMOUR_MOVEMENT, kinds::LINE_CROSSING],
        Category::Artillery => &[kinds::ARTILLERY_FIRE],
        Category::Sabotage => &[kinds::SABOTAGE],
        Category::Cyber => &[kinds::CYBER_INTRUSION],
        Category::Proxy => &[kinds::PROXY_ATTACK],
        Category::Airspace => &[kinds::AIRSPACE_VIOLATION],
        Category::Maritime => &[kinds::MARITIME_VIOLATION],
        Category::Buildup => &[kinds::BUILDUP_INDICATOR],
        Category::ArmedAttack => &[
            kinds::MISSILE_LAUNCH,
            kinds::MISSILE_IMPACT,
            kinds::DRONE_LAUNCH,
            kinds::DRONE_IMPACT,
            kinds::ARMOUR_MOVEMENT,
            kinds::LINE_CROSSING,
            kinds::ARTILLERY_FIRE,
        ],
        Category::Nuclear => &[],
    };
    list.iter().map(|k| (*k).to_string()).collect()
}

impl Compiled {
    /// Compiles a framework; lists what makes it impossible to run.
    pub fn new(fw: &Framework) -> Result<Compiled, Vec<String>> {
        let Some(meta) = &fw.meta else {
            return Err(vec!["the framework has no `[framework]` table".into()]);
        };
        let has = |p: &framework::schema::Party, role: Role| p.roles.contains(&role);
        let mut triggers = Vec::new();
        for t in &fw.triggers {
            let kinds = if t.kinds.is_empty() {
                default_kinds(t.category)
            } else {
                t.kinds.clone()
            };
            let (Some(window), Some(threshold)) = (t.window, t.threshold) else {
                // The checker reports these; the engine cannot measure the trigger.
                continue;
            };
            triggers.push(TriggerInfo {
                id: t.id.clone(),
                category: t.category,
                kinds,
                zones: t.zones.clone(),
                weapons: t.weapons.clone(),
                targets: t.target_categories.clone(),
                window,
                threshold,
                count: t.count.unwrap_or(CountKind::Incidents),
                range_end: t.range_end.unwrap_or(RangeEnd::Low),
                standard: t.standard.clone(),
                accumulate: t.accumulate.clone(),
            });
        }
        Ok(Compiled {
            id: meta.id.clone(),
            version: meta.version.clone(),
            hash: fw.hash_hex(),
            adversaries: fw
                .parties
                .iter()
                .filter(|p| has(p, Role::Adversary))
                .map(|p| p.id.clone())
                .collect(),
            protected: fw
                .parties
                .iter()
                .filter(|p| has(p, Role::ProtectedState))
                .map(|p| p.id.clone())
                .collect(),
            parties: fw.parties.iter().map(|p| p.id.clone()).collect(),
            classes: fw
                .source_classes
                .iter()
                .map(|c| {
                    let info = ClassInfo {
                        operated_by: c.operated_by.iter().cloned().collect(),
                        neutral: c.neutral,
                        late_max: c.late_max,
                    };
                    (c.id.clone(), info)
                })
                .collect(),
            weapons: fw.weapon_models.iter().map(|m| m.id.clone()).collect(),
            weapon_parent: fw
                .weapon_models
                .iter()
                .filter_map(|m| m.parent.clone().map(|p| (m.id.clone(), p)))
                .collect(),
            zones: fw
                .zones
                .iter()
                .map(|z| {
                    let info = ZoneInfo {
                        kind: z.kind,
                        within: z.within.clone(),
                        geometry: fw.geometry.get(&z.id).cloned(),
                    };
                    (z.id.clone(), info)
                })
                .collect(),
            standards: fw
                .standards
                .iter()
                .map(|s| (s.id.clone(), s.clone()))
                .collect(),
            triggers,
            fusion: fw.fusion.clone(),
        })
    }

    /// Whether weapon model `a` is `b` or refines it (bounded: cycles end).
    pub fn weapon_within(&self, a: &str, b: &str) -> bool {
        let mut current = a;
        for _ in 0..64 {
            if current == b {
                return true;
            }
            match self.weapon_parent.get(current) {
                Some(parent) => current = parent,
                None => return false,
            }
        }
        false
    }

    /// Whether two reported weapon models can be the same weapon.
    pub fn weapons_compatible(&self, a: Option<&str>, b: Option<&str>) -> bool {
        match (a, b) {
            (Some(a), Some(b)) => self.weapon_within(a, b) || self.weapon_within(b, a),
            _ => true,
        }
    }

    /// Whether zone `a` is `b` or lies within it (bounded: cycles end).
    pub fn zone_within(&self, a: &str, b: &str) -> bool {
        let mut current = a;
        for _ in 0..64 {
            if current == b {
                return true;
            }
            match self.zones.get(current).and_then(|z| z.within.as_deref()) {
                Some(parent) => current = parent,
                None => return false,
            }
        }
        false
    }

    /// Depth of a zone in the containment chain (0 for a top-level zone).
    pub fn zone_depth(&self, zone: &str) -> usize {
        let mut depth = 0;
        let mut current = zone;
        while let Some(parent) = self.zones.get(current).and_then(|z| z.within.as_deref()) {
            depth += 1;
            current = parent;
            if depth >= 64 {
                break;
            }
        }
        depth
    }

    /// The most specific area zone containing a point, if any.
    pub fn zone_of_point(&self, p: model::Point) -> Option<String> {
        self.zones
            .iter()
            .filter(|(_, z)| z.kind == ZoneKind::Area)
            .filter(|(_, z)| {
                z.geometry
                    .as_ref()
                    .is_some_and(|g| super::geo::contains(g, p))
            })
            .max_by_key(|(id, _)| (self.zone_depth(id), std::cmp::Reverse((*id).clone())))
            .map(|(id, _)| id.clone())
    }
}
