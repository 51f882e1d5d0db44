//! `iam-access-analyzer-disabled`

use crate::meta::{Meta, Rule};
use crate::out::{region_ref, Out};
use pillar_model::{Domain, Inventory, Known, Severity, Status};
use serde_json::{json, Value};

/// The rule.
pub struct IamAccessAnalyzerDisabled;
/// Registered instance.
pub static RULE: IamAccessAnalyzerDisabled = IamAccessAnalyzerDisabled;

static META: Meta = Meta {
    id: "iam-access-analyzer-disabled",
    title: "IAM Access Analyzer has no active external-access analyzer in the region",
    severity: Severity::Medium,
    domain: Domain::IdentityAccess,
    service: "iam",
    wa: &["SEC03-BP07"],
    cis: &["1.20"],
    rationale: "Access Analyzer continuously finds buckets, keys, roles, queues and other \
        resources shared outside the account or organization. Without an analyzer in a region, \
        public and cross-account access there goes unnoticed.",
    console: "IAM > Access analyzer (in each region) > Create analyzer: type External access, \
        zone of trust Current account (or Current organization from the delegated administrator).",
    cli: "aws accessanalyzer create-analyzer --analyzer-name external-access --type ACCOUNT --region <REGION>\n\
        # organization-wide, from the management or delegated administrator account:\n\
        aws accessanalyzer create-analyzer --analyzer-name org-external-access --type ORGANIZATION --region <REGION>",
    terraform: "resource \"aws_accessanalyzer_analyzer\" \"external\" {\n\
        \x20 analyzer_name = \"external-access\"\n\
        \x20 type          = \"ACCOUNT\"   # or \"ORGANIZATION\"\n\
        }\n\
        # repeat per region (one provider alias per region)",
    docs: "## What it does\n\
        For every account and region collected, fails when no IAM Access Analyzer analyzer of \
        type `ACCOUNT` or `ORGANIZATION` (external access) is `ACTIVE`. Unused-access analyzers \
        do not count: they report unused permissions, not external sharing.\n\n\
        ## Why is this bad?\n\
        Analyzers are regional. A region without one gives no findings for resources shared \
        publicly or with other accounts there, which is where attackers like to leave \
        persistence (a bucket policy, a role trust, a KMS grant).\n\n\
        ## How to fix\n\
        Create an external-access analyzer in every enabled region, at the organization level \
        when you use AWS Organizations, and route its findings to Security Hub or EventBridge.\n\n\
        ## References\n\
        - AWS IAM User Guide: Using AWS IAM Access Analyzer\n\
        - CIS AWS Foundations Benchmark v3.0, 1.20\n\
        - Well-Architected SEC03-BP07 Analyze public and cross-account access\n",
    since: "0.1.0",
};

impl Rule for IamAccessAnalyzerDisabled {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for rs in &inv.regions {
            let r = region_ref(
                "AWS::AccessAnalyzer::Analyzer",
                rs.account.as_deref(),
                &rs.region,
            );
            let analyzers = match &rs.access_analyzers {
                Known::Known(a) => a,
                Known::Unknown(reason) => {
                    out.report(
                        Status::Unknown,
                        r,
                        None,
                        format!("analyzers not collected: {reason}"),
                        Value::Null,
                        "",
                    );
                    continue;
                }
            };
            let external =
                |kind: &str| kind.is_empty() || kind == "ACCOUNT" || kind == "ORGANIZATION";
            if let Some(a) = analyzers.iter().find(|a| a.active && external(&a.kind)) {
                out.report(
                    Status::Pass,
                    r,
                    None,
                    format!("analyzer {} is active in {}", a.name, rs.region),
                    Value::Null,
                    "",
                );
            } else {
                let seen: Vec<Value> = analyzers
                    .iter()
                    .map(|a| json!({ "name": a.name, "type": a.kind, "active": a.active }))
                    .collect();
                out.report(
                    Status::Fail,
                    r,
                    None,
                    format!("no active external-access analyzer in {}", rs.region),
                    json!({ "region": rs.region, "analyzers": seen }),
                    "",
                );
            }
        }
    }
}
