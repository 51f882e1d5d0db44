//! Detection rules (SEC04).

use crate::meta::Rule;

mod cloudtrail_bucket_public;
mod cloudtrail_log_validation_disabled;
mod cloudtrail_multi_region_missing;
mod cloudtrail_not_encrypted_kms;
mod cloudtrail_not_logging;
mod cloudtrail_trail_single_region;
mod config_recorder_disabled;
mod ec2_vpc_flow_logs_disabled;
mod guardduty_disabled;
mod s3_bucket_access_logging_disabled;
mod securityhub_disabled;
pub(crate) mod util;

/// The rules of this area, in a stable order.
pub fn rules() -> Vec<&'static dyn Rule> {
    vec![
        &cloudtrail_multi_region_missing::RULE,
        &cloudtrail_trail_single_region::RULE,
        &cloudtrail_log_validation_disabled::RULE,
        &cloudtrail_not_encrypted_kms::RULE,
        &cloudtrail_not_logging::RULE,
        &cloudtrail_bucket_public::RULE,
        &guardduty_disabled::RULE,
        &securityhub_disabled::RULE,
        &config_recorder_disabled::RULE,
        &ec2_vpc_flow_logs_disabled::RULE,
        &s3_bucket_access_logging_disabled::RULE,
    ]
}
