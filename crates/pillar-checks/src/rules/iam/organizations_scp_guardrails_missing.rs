//! `organizations-scp-guardrails-missing`

use crate::meta::{Meta, Rule};
use crate::out::{account_ref, Out};
use pillar_model::{Domain, Inventory, Known, Scp, Service, Severity, Status};
use serde_json::{json, Value};

/// The rule.
pub struct OrganizationsScpGuardrailsMissing;
/// Registered instance.
pub static RULE: OrganizationsScpGuardrailsMissing = OrganizationsScpGuardrailsMissing;

static META: Meta = Meta {
    id: "organizations-scp-guardrails-missing",
    title: "Organization has no service control policy beyond FullAWSAccess",
    severity: Severity::Medium,
    domain: Domain::IdentityAccess,
    service: "organizations",
    wa: &["SEC03-BP05"],
    cis: &[],
    rationale: "Service control policies are the only guardrails that bind every principal of a \
        member account, including its administrators and root user. With only FullAWSAccess, \
        nothing stops an account admin from disabling CloudTrail, leaving the organization, or \
        using unapproved regions.",
    console: "AWS Organizations (management account) > Policies > Service control policies > \
        Create policy (e.g. deny cloudtrail:StopLogging/DeleteTrail, \
        organizations:LeaveOrganization, guardduty:DeleteDetector, and unapproved regions), \
        then Attach it to the root or to the OUs that hold workload accounts.",
    cli: "aws organizations create-policy --type SERVICE_CONTROL_POLICY --name baseline-guardrails \\\n\
        \x20 --description \"protect logging and membership\" --content file://guardrails.json\n\
        aws organizations attach-policy --policy-id <POLICY_ID> --target-id <ROOT_OR_OU_ID>",
    terraform: "data \"aws_iam_policy_document\" \"guardrails\" {\n\
        \x20 statement {\n\
        \x20   sid       = \"ProtectSecurityServices\"\n\
        \x20   effect    = \"Deny\"\n\
        \x20   actions   = [\"cloudtrail:StopLogging\", \"cloudtrail:DeleteTrail\", \"guardduty:DeleteDetector\", \"organizations:LeaveOrganization\"]\n\
        \x20   resources = [\"*\"]\n\
        \x20 }\n\
        }\n\
        resource \"aws_organizations_policy\" \"guardrails\" {\n\
        \x20 name    = \"baseline-guardrails\"\n\
        \x20 type    = \"SERVICE_CONTROL_POLICY\"\n\
        \x20 content = data.aws_iam_policy_document.guardrails.json\n\
        }\n\
        resource \"aws_organizations_policy_attachment\" \"root\" {\n\
        \x20 policy_id = aws_organizations_policy.guardrails.id\n\
        \x20 target_id = aws_organizations_organization.this.roots[0].id\n\
        }",
    docs: "## What it does\n\
        For every account that belongs to an organization, checks the collected service control \
        policies and fails when none other than the AWS default `FullAWSAccess` is attached to \
        any target (root, OU or account). Not assessed when Organizations was not collected. \
        Pillar does not resolve OU membership: an SCP attached to any OU counts, so a pass means \
        guardrails exist in the organization, not that this account's OU has them. The \
        management account is never restricted by SCPs. An account that is not in an \
        organization fails: nothing can set guardrails above it.\n\n\
        ## Why is this bad?\n\
        `FullAWSAccess` allows everything; it is the absence of a guardrail. Without deny \
        guardrails, every member-account administrator can turn off the organization's \
        detective controls or act outside approved regions.\n\n\
        ## How to fix\n\
        Attach SCPs that deny tampering with CloudTrail, Config, GuardDuty and Security Hub, \
        leaving the organization, root user actions, and unused regions, to the root or to the \
        workload OUs. Test them in a sandbox OU first.\n\n\
        ## References\n\
        - AWS Organizations User Guide: Service control policies (SCPs)\n\
        - AWS Organizations User Guide: SCP examples\n\
        - Well-Architected SEC03-BP05 Define permission guardrails for your organization\n",
    since: "0.1.0",
};

fn is_default(scp: &Scp) -> bool {
    scp.name == "FullAWSAccess" || scp.resource.id.ends_with("p-FullAWSAccess")
}

impl Rule for OrganizationsScpGuardrailsMissing {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for account in &inv.accounts {
            let id = account.id.get().map(String::as_str);
            let r = account_ref(id);
            let org = match &account.organization_id {
                Known::Known(Some(org)) => org,
                Known::Known(None) => {
                    // A standalone account has no organization, so nothing
                    // above it can set guardrails.
                    out.report(
                        Status::Fail,
                        r,
                        None,
                        "account is not in an AWS Organization: no SCP guardrails can apply to it",
                        json!({ "organization_id": null }),
                        "",
                    );
                    continue;
                }
                Known::Unknown(reason) => {
                    out.report(
                        Status::Unknown,
                        r,
                        None,
                        format!("organization membership not collected: {reason}"),
                        Value::Null,
                        "",
                    );
                    continue;
                }
            };
            if !inv.covers_any(Service::Organizations) {
                out.report(
                    Status::Unknown,
                    r,
                    None,
                    "service control policies not collected",
                    Value::Null,
                    "",
                );
                continue;
            }
            let guardrails: Vec<&Scp> = inv
                .scps
                .iter()
                .filter(|s| !is_default(s) && !s.targets.is_empty())
                .collect();
            if guardrails.is_empty() {
                let unattached: Vec<&str> = inv
                    .scps
                    .iter()
                    .filter(|s| !is_default(s))
                    .map(|s| s.name.as_str())
                    .collect();
                out.report(
                    Status::Fail,
                    r,
                    None,
                    format!("organization {org} has no SCP other than FullAWSAccess attached"),
                    json!({ "organization_id": org, "scps": inv.scps.iter().map(|s| &s.name).collect::<Vec<_>>(), "unattached_scps": unattached }),
                    "",
                );
            } else {
                let names: Vec<&str> = guardrails.iter().map(|s| s.name.as_str()).collect();
                out.report(
                    Status::Pass,
                    r,
                    None,
                    format!("guardrail SCP(s) attached: {}", names.join(", ")),
                    Value::Null,
                    "",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standalone_account_fails() {
        let inv: Inventory =
            serde_json::from_str(r#"{"accounts":[{"id":"111122223333","organization_id":null}]}"#)
                .unwrap();
        let mut out = Out::new(&META);
        RULE.check(&inv, &mut out);
        let f = out.into_findings();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Fail);
        assert!(f[0].message.contains("not in an AWS Organization"));
    }
}
