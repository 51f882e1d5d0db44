//! The one list of rules. Each area's `mod.rs` lists its rules; this file
//! lists the areas.

use crate::meta::Rule;
use crate::rules;

/// Every rule pillar ships, in a stable order.
pub fn all() -> Vec<&'static dyn Rule> {
    let mut v: Vec<&'static dyn Rule> = Vec::new();
    v.extend(rules::iam::rules());
    v.extend(rules::detection::rules());
    v.extend(rules::network::rules());
    v.extend(rules::data::rules());
    v.extend(rules::response::rules());
    v
}

/// A rule by id.
pub fn find(id: &str) -> Option<&'static dyn Rule> {
    all().into_iter().find(|r| r.meta().id == id)
}
