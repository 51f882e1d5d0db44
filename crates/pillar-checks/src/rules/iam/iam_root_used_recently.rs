//! `iam-root-used-recently`

use super::util::age_days;
use crate::meta::{Meta, Rule};
use crate::out::{account_ref, Out};
use pillar_model::{Domain, Inventory, Known, Severity, Status};
use serde_json::{json, Value};

/// The rule.
pub struct IamRootUsedRecently;
/// Registered instance.
pub static RULE: IamRootUsedRecently = IamRootUsedRecently;

/// Root use within this many days fails.
const WINDOW_DAYS: i64 = 30;

static META: Meta = Meta {
    id: "iam-root-used-recently",
    title: "Root user was used in the last 30 days",
    severity: Severity::High,
    domain: Domain::IdentityAccess,
    service: "iam",
    wa: &["SEC01-BP02"],
    cis: &["1.7"],
    rationale: "The root user should only be used for the few tasks that require it. Regular root \
        sign-ins or key use mean daily work runs with unrestricted, unauditable-by-role power.",
    console: "Review the root sign-ins in CloudTrail (Event history, filter User name = root). \
        Create IAM Identity Center users or IAM roles for the work being done as root, delete any \
        root access keys (Security credentials page as root), and store the root password and MFA \
        device for break-glass use only.",
    cli: "# Find recent root activity:\n\
        aws cloudtrail lookup-events --lookup-attributes AttributeKey=Username,AttributeValue=root --max-results 50\n\
        # Give the people doing that work their own role, e.g. an Identity Center permission set:\n\
        aws sso-admin create-permission-set --instance-arn <SSO_INSTANCE_ARN> --name Operations",
    terraform: "data \"aws_ssoadmin_instances\" \"this\" {}\n\n\
        resource \"aws_ssoadmin_permission_set\" \"operations\" {\n\
        \x20 name         = \"Operations\"\n\
        \x20 instance_arn = tolist(data.aws_ssoadmin_instances.this.arns)[0]\n\
        }\n\
        # assign it with aws_ssoadmin_account_assignment and stop using root",
    docs: "## What it does\n\
        Reads the `<root_account>` row of the IAM credential report and fails when the root \
        password or either root access key was used within the last 30 days (measured from the \
        collection time).\n\n\
        ## Why is this bad?\n\
        Root cannot be limited by IAM policies or permissions boundaries. Using it for routine \
        work widens the window for credential theft and removes the accountability that named \
        identities and roles give.\n\n\
        ## How to fix\n\
        Find out why root was used (CloudTrail events with `userIdentity.type = Root`). Move that \
        work to IAM Identity Center users or IAM roles, delete root access keys, and keep root \
        for the tasks only it can do.\n\n\
        ## References\n\
        - AWS IAM User Guide: Tasks that require root user credentials\n\
        - CIS AWS Foundations Benchmark v3.0, 1.7\n\
        - Well-Architected SEC01-BP02 Secure account root user and properties\n",
    since: "0.1.0",
};

impl Rule for IamRootUsedRecently {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        let now = inv.now();
        for account in &inv.accounts {
            let r = account_ref(account.id.get().map(String::as_str));
            let root = match account.root() {
                Known::Known(Some(root)) => root,
                Known::Known(None) => {
                    out.report(
                        Status::Unknown,
                        r,
                        None,
                        "credential report has no root row",
                        Value::Null,
                        "",
                    );
                    continue;
                }
                Known::Unknown(reason) => {
                    out.report(
                        Status::Unknown,
                        r,
                        None,
                        format!("credential report not available: {reason}"),
                        Value::Null,
                        "",
                    );
                    continue;
                }
            };
            let uses: Vec<Value> = [
                ("password", root.password_last_used),
                ("access_key_1", root.access_key_1_last_used),
                ("access_key_2", root.access_key_2_last_used),
            ]
            .into_iter()
            .filter_map(|(what, t)| {
                let t = t?;
                let days = age_days(now, t);
                (days < WINDOW_DAYS)
                    .then(|| json!({ "credential": what, "last_used": t, "days_ago": days }))
            })
            .collect();
            if uses.is_empty() {
                out.report(
                    Status::Pass,
                    r,
                    None,
                    format!("root user not used in the last {WINDOW_DAYS} days"),
                    Value::Null,
                    "",
                );
            } else {
                out.report(
                    Status::Fail,
                    r,
                    None,
                    format!("root user was used in the last {WINDOW_DAYS} days"),
                    json!({ "recent_use": uses }),
                    "",
                );
            }
        }
    }
}
