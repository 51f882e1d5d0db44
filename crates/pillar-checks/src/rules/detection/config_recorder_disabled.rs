//! `config-recorder-disabled`

use crate::meta::{Meta, Rule};
use crate::out::{region_ref, Out};
use pillar_model::{Domain, Inventory, Known, Severity, Status};
use serde_json::{json, Value};

/// The rule.
pub struct ConfigRecorderDisabled;
/// Registered instance.
pub static RULE: ConfigRecorderDisabled = ConfigRecorderDisabled;

static META: Meta = Meta {
    id: "config-recorder-disabled",
    title: "AWS Config is not recording all resource types in the region",
    severity: Severity::Medium,
    domain: Domain::Detection,
    service: "config",
    wa: &["SEC04-BP01", "SEC04-BP04"],
    cis: &["3.3"],
    rationale: "AWS Config keeps the configuration history of resources: what changed, when and \
        how it related to other resources. Without it, investigations cannot reconstruct past \
        state and Config rules and Security Hub controls have nothing to evaluate.",
    console: "AWS Config (in each region) > Settings > Edit: Recording strategy All resource \
        types with customizable overrides (include global resources in one region), choose a \
        delivery bucket, then make sure Recording is on.",
    cli: "aws configservice put-configuration-recorder --configuration-recorder \\\n\
        \x20 name=default,roleARN=arn:aws:iam::<ACCOUNT_ID>:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig \\\n\
        \x20 --recording-group allSupported=true,includeGlobalResourceTypes=true\n\
        aws configservice put-delivery-channel --delivery-channel name=default,s3BucketName=<CONFIG_BUCKET>\n\
        aws configservice start-configuration-recorder --configuration-recorder-name default",
    terraform: "resource \"aws_config_configuration_recorder\" \"this\" {\n\
        \x20 name     = \"default\"\n\
        \x20 role_arn = aws_iam_service_linked_role.config.arn\n\
        \x20 recording_group {\n\
        \x20   all_supported                 = true\n\
        \x20   include_global_resource_types = true\n\
        \x20 }\n\
        }\n\
        resource \"aws_config_delivery_channel\" \"this\" {\n\
        \x20 name           = \"default\"\n\
        \x20 s3_bucket_name = aws_s3_bucket.config.id\n\
        \x20 depends_on     = [aws_config_configuration_recorder.this]\n\
        }\n\
        resource \"aws_config_configuration_recorder_status\" \"this\" {\n\
        \x20 name       = aws_config_configuration_recorder.this.name\n\
        \x20 is_enabled = true\n\
        \x20 depends_on = [aws_config_delivery_channel.this]\n\
        }",
    docs: "## What it does\n\
        For every account and region collected, fails unless a configuration recorder records \
        all supported resource types (`allSupported`) and is recording now. Global resource \
        types (IAM) need recording in one region only, so they are not required here.\n\n\
        ## Why is this bad?\n\
        Config is the configuration history and the engine behind Config rules, conformance \
        packs and most Security Hub controls. A region without recording has neither history \
        nor continuous compliance checks.\n\n\
        ## How to fix\n\
        Create a recorder for all resource types with a delivery channel, and start it, in every \
        enabled region (StackSets or Control Tower do this organization-wide).\n\n\
        ## References\n\
        - AWS Config Developer Guide: Managing the configuration recorder\n\
        - CIS AWS Foundations Benchmark v3.0, 3.3\n\
        - Well-Architected SEC04-BP01 Configure service and application logging\n\
        - Well-Architected SEC04-BP04 Initiate remediation for non-compliant resources\n",
    since: "0.1.0",
};

impl Rule for ConfigRecorderDisabled {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for rs in &inv.regions {
            let r = region_ref(
                "AWS::Config::ConfigurationRecorder",
                rs.account.as_deref(),
                &rs.region,
            );
            let recorders = match &rs.config_recorders {
                Known::Known(list) => list,
                Known::Unknown(reason) => {
                    out.report(
                        Status::Unknown,
                        r,
                        None,
                        format!("Config recorders not collected: {reason}"),
                        Value::Null,
                        "",
                    );
                    continue;
                }
            };
            let complete = recorders.iter().filter(|c| c.all_supported);
            let recording: Vec<&str> = complete
                .clone()
                .filter(|c| matches!(c.recording, Known::Known(true)))
                .map(|c| c.name.as_str())
                .collect();
            let undecided: Vec<&str> = complete
                .filter(|c| !c.recording.is_known())
                .map(|c| c.name.as_str())
                .collect();
            if let Some(name) = recording.first() {
                out.report(
                    Status::Pass,
                    r,
                    None,
                    format!(
                        "recorder {name} records all resource types in {}",
                        rs.region
                    ),
                    Value::Null,
                    "",
                );
            } else if !undecided.is_empty() {
                out.report(
                    Status::Unknown,
                    r,
                    None,
                    format!(
                        "recording status unknown for recorder(s) {}",
                        undecided.join(", ")
                    ),
                    Value::Null,
                    "",
                );
            } else {
                let seen: Vec<Value> = recorders
                    .iter()
                    .map(|c| {
                        json!({
                            "name": c.name,
                            "all_supported": c.all_supported,
                            "recording": c.recording.get(),
                            "last_status": c.last_status,
                        })
                    })
                    .collect();
                let message = if recorders.is_empty() {
                    format!("AWS Config has no recorder in {}", rs.region)
                } else {
                    format!(
                        "no recorder in {} records all resource types and is on",
                        rs.region
                    )
                };
                out.report(
                    Status::Fail,
                    r,
                    None,
                    message,
                    json!({ "region": rs.region, "recorders": seen }),
                    "",
                );
            }
        }
    }
}
