//! Incident response rules (SEC10).

use crate::meta::Rule;

mod cloudtrail_log_retention_short;
mod guardduty_findings_not_routed;
mod iam_support_role_missing;

/// The rules of this area, in a stable order.
pub fn rules() -> Vec<&'static dyn Rule> {
    vec![
        &guardduty_findings_not_routed::RULE,
        &cloudtrail_log_retention_short::RULE,
        &iam_support_role_missing::RULE,
    ]
}
