//! Identity and access rules (SEC02, SEC03).

use crate::meta::Rule;

mod iam_root_access_key_present;

/// The rules of this area, in a stable order.
pub fn rules() -> Vec<&'static dyn Rule> {
    vec![&iam_root_access_key_present::RULE]
}
