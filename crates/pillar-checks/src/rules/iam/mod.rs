//! Identity and access rules (SEC02, SEC03).

use crate::meta::Rule;

mod iam_access_analyzer_disabled;
mod iam_access_key_not_rotated;
mod iam_access_key_unused;
mod iam_password_policy_weak;
mod iam_policy_admin_attached;
mod iam_policy_wildcard_sensitive_actions;
mod iam_principal_privilege_escalation;
mod iam_role_trust_cross_account_no_external_id;
mod iam_role_trust_public;
mod iam_root_access_key_present;
mod iam_root_mfa_disabled;
mod iam_root_used_recently;
mod iam_user_console_without_mfa;
mod iam_user_multiple_active_keys;
mod iam_user_password_unused;
mod iam_user_policy_attached_directly;
mod organizations_scp_guardrails_missing;
pub(crate) mod util;

/// The rules of this area, in a stable order.
pub fn rules() -> Vec<&'static dyn Rule> {
    vec![
        &iam_root_access_key_present::RULE,
        &iam_root_mfa_disabled::RULE,
        &iam_root_used_recently::RULE,
        &iam_user_console_without_mfa::RULE,
        &iam_access_key_not_rotated::RULE,
        &iam_access_key_unused::RULE,
        &iam_user_password_unused::RULE,
        &iam_user_multiple_active_keys::RULE,
        &iam_password_policy_weak::RULE,
        &iam_policy_admin_attached::RULE,
        &iam_policy_wildcard_sensitive_actions::RULE,
        &iam_principal_privilege_escalation::RULE,
        &iam_user_policy_attached_directly::RULE,
        &iam_role_trust_public::RULE,
        &iam_role_trust_cross_account_no_external_id::RULE,
        &iam_access_analyzer_disabled::RULE,
        &organizations_scp_guardrails_missing::RULE,
    ]
}
