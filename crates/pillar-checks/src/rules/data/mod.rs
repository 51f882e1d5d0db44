//! Data protection rules (SEC02 secrets, SEC03 public access, SEC08, SEC09).

use crate::meta::Rule;

mod common;
mod dms_endpoint_password_literal;
mod docdb_master_password_literal;
mod ds_directory_password_literal;
mod ec2_ebs_default_encryption_disabled;
mod ec2_ebs_snapshot_public;
mod ec2_ebs_volume_unencrypted;
mod ec2_user_data_literal_secret;
mod ecs_task_env_literal_secret;
mod elasticache_auth_token_literal;
pub(crate) mod exposure;
mod kms_key_policy_public;
mod kms_key_rotation_disabled;
mod lambda_env_literal_secret;
mod mq_broker_user_password_literal;
mod rds_instance_storage_unencrypted;
mod rds_master_password_literal;
mod rds_snapshot_public;
mod redshift_master_password_literal;
mod s3_account_public_access_block_off;
mod s3_bucket_public_access_block_off;
mod s3_bucket_public_acl;
mod s3_bucket_public_policy;
mod s3_bucket_tls_not_enforced;
mod s3_bucket_versioning_disabled;
mod secrets_common;
mod secretsmanager_secret_public_policy;
mod secretsmanager_secret_rotation_disabled;
mod sns_topic_public_policy;
mod sqs_queue_public_policy;
mod store_password;

/// The rules of this area, in a stable order.
pub fn rules() -> Vec<&'static dyn Rule> {
    vec![
        &s3_bucket_public_acl::RULE,
        &s3_bucket_public_policy::RULE,
        &s3_bucket_public_access_block_off::RULE,
        &s3_account_public_access_block_off::RULE,
        &s3_bucket_tls_not_enforced::RULE,
        &s3_bucket_versioning_disabled::RULE,
        &ec2_ebs_default_encryption_disabled::RULE,
        &ec2_ebs_volume_unencrypted::RULE,
        &ec2_ebs_snapshot_public::RULE,
        &rds_instance_storage_unencrypted::RULE,
        &rds_snapshot_public::RULE,
        &kms_key_rotation_disabled::RULE,
        &kms_key_policy_public::RULE,
        &secretsmanager_secret_rotation_disabled::RULE,
        &secretsmanager_secret_public_policy::RULE,
        &sqs_queue_public_policy::RULE,
        &sns_topic_public_policy::RULE,
        &lambda_env_literal_secret::RULE,
        &ec2_user_data_literal_secret::RULE,
        &ecs_task_env_literal_secret::RULE,
        &rds_master_password_literal::RULE,
        &redshift_master_password_literal::RULE,
        &docdb_master_password_literal::RULE,
        &elasticache_auth_token_literal::RULE,
        &mq_broker_user_password_literal::RULE,
        &ds_directory_password_literal::RULE,
        &dms_endpoint_password_literal::RULE,
    ]
}
