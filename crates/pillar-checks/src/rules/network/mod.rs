//! Rules of this area.

use crate::meta::Rule;

/// The rules of this area, in a stable order.
pub fn rules() -> Vec<&'static dyn Rule> {
    vec![]
}
