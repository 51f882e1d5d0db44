//! `sns-topic-public-policy`

use crate::meta::{Meta, Rule};
use crate::out::Out;
use crate::rules::data::exposure::{judge, model, PolicyState, Target};
use pillar_model::{Domain, Inventory, Severity};

/// The rule.
pub struct SnsTopicPublicPolicy;
/// Registered instance.
pub static RULE: SnsTopicPublicPolicy = SnsTopicPublicPolicy;

static META: Meta = Meta {
    id: "sns-topic-public-policy",
    title: "SNS topic policy lets anyone outside the account use the topic",
    severity: Severity::Critical,
    domain: Domain::DataProtection,
    service: "sns",
    wa: &["SEC03-BP07", "SEC08-BP04"],
    cis: &[],
    rationale: "A topic access policy that allows Principal \"*\" without a condition tying the \
        caller to your accounts, organization, network or a source resource lets anyone \
        publish into your workload, subscribe their own endpoint to receive every message, or \
        change the topic.",
    console: "SNS console > Topics > the topic > Edit > Access policy: remove the statement with \
        Principal \"*\", or add a condition such as aws:SourceArn, aws:SourceAccount or \
        aws:PrincipalOrgID > Save changes.",
    cli: "aws sns get-topic-attributes --topic-arn <arn> --query Attributes.Policy --output text > policy.json\n\
        # edit policy.json: name principals or add a restricting Condition\n\
        aws sns set-topic-attributes --topic-arn <arn> --attribute-name Policy --attribute-value file://policy.json",
    terraform: "data \"aws_iam_policy_document\" \"t\" {\n  \
        statement {\n    \
        actions   = [\"sns:Publish\"]\n    \
        resources = [aws_sns_topic.t.arn]\n    \
        principals {\n      \
        type        = \"Service\"\n      \
        identifiers = [\"events.amazonaws.com\"]\n    \
        }\n    \
        condition {\n      \
        test     = \"StringEquals\"\n      \
        variable = \"aws:SourceAccount\"\n      \
        values   = [data.aws_caller_identity.current.account_id]\n    \
        }\n  \
        }\n}\n\
        resource \"aws_sns_topic_policy\" \"t\" {\n  \
        arn    = aws_sns_topic.t.arn\n  \
        policy = data.aws_iam_policy_document.t.json\n}",
    docs: "## What it does\n\
        Asks the IAM evaluator, for every SNS action an `Allow` statement of the topic's access \
        policy covers, whether an anonymous caller or a principal of an unknown AWS account \
        (whose own policies allow everything) may call it on the topic. The caller picks the \
        request values it controls (its own tags, `sns:Protocol`, `sns:Endpoint`) but not who \
        it is or where it calls from: `aws:PrincipalOrgID`, `aws:PrincipalAccount`, \
        `aws:PrincipalArn`, `aws:SourceArn`, `aws:SourceAccount`, `aws:SourceOwner`, \
        `aws:SourceIp`, `aws:SourceVpc` and `aws:SourceVpce` take the outsider's values, so a \
        condition on them with a specific value closes the grant, while wildcards, \
        `0.0.0.0/0`, negated and `…IfExists` conditions do not. Deny statements and resource \
        control policies count. The finding names the actions, who may call them and the \
        statements that allowed them; accounts outside the inventory that the policy names \
        are listed (in the pass message too). Topics whose policy was not read are *unknown*. \
        Mirrors AWS Security Hub SNS.4.\n\n\
        ## Why is this bad?\n\
        Anyone can publish messages your subscribers trust (and act on), subscribe an endpoint \
        they own to receive every message, or change and delete the topic.\n\n\
        ## How to fix\n\
        Grant to named principals, or to a service principal with an `aws:SourceArn` / \
        `aws:SourceAccount` condition; keep `*` only with `aws:PrincipalOrgID`.\n\n\
        ## References\n\
        - Amazon SNS Developer Guide: Example cases for Amazon SNS access control\n\
        - IAM User Guide: AWS global condition context keys\n\
        - AWS Security Hub controls reference: SNS.4\n\
        - Well-Architected SEC03-BP07 Analyze public and cross-account access; SEC08-BP04 \
        Enforce access control\n",
    since: "0.2.0",
};

impl Rule for SnsTopicPublicPolicy {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        if inv.topics.is_empty() {
            return;
        }
        let model = model(inv, out);
        for t in &inv.topics {
            let target = Target {
                resource: t,
                arn: &t.arn,
                name: &t.name,
                policy: PolicyState::of_optional(&t.policy),
                policy_location: t.policy_location.as_ref(),
                what: "topic",
                policy_word: "policy",
                service: "sns",
                extra: serde_json::Value::Null,
            };
            judge(&model, &target, out);
        }
    }
}
