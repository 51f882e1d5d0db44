//! `sqs-queue-public-policy`

use crate::meta::{Meta, Rule};
use crate::out::Out;
use crate::rules::data::exposure::{judge, model, PolicyState, Target};
use pillar_model::{Domain, Inventory, Severity};

/// The rule.
pub struct SqsQueuePublicPolicy;
/// Registered instance.
pub static RULE: SqsQueuePublicPolicy = SqsQueuePublicPolicy;

static META: Meta = Meta {
    id: "sqs-queue-public-policy",
    title: "SQS queue policy lets anyone outside the account use the queue",
    severity: Severity::Critical,
    domain: Domain::DataProtection,
    service: "sqs",
    wa: &["SEC03-BP07", "SEC08-BP04"],
    cis: &[],
    rationale: "A queue access policy that allows Principal \"*\" without a condition tying the \
        caller to your accounts, organization, network or a source resource lets anyone send \
        messages into your workload, read or delete its messages, or purge the queue.",
    console: "SQS console > Queues > the queue > Access policy > Edit: remove the statement with \
        Principal \"*\", or add a condition such as aws:SourceArn (the topic or bucket that \
        sends), aws:SourceAccount or aws:PrincipalOrgID > Save.",
    cli: "aws sqs get-queue-attributes --queue-url <url> --attribute-names Policy --query Attributes.Policy --output text > policy.json\n\
        # edit policy.json: name principals or add a restricting Condition\n\
        aws sqs set-queue-attributes --queue-url <url> --attributes file://attributes.json\n\
        # attributes.json: {\"Policy\": \"<the edited policy as one JSON string>\"}",
    terraform: "data \"aws_iam_policy_document\" \"q\" {\n  \
        statement {\n    \
        actions   = [\"sqs:SendMessage\"]\n    \
        resources = [aws_sqs_queue.q.arn]\n    \
        principals {\n      \
        type        = \"Service\"\n      \
        identifiers = [\"sns.amazonaws.com\"]\n    \
        }\n    \
        condition {\n      \
        test     = \"ArnEquals\"\n      \
        variable = \"aws:SourceArn\"\n      \
        values   = [aws_sns_topic.events.arn]\n    \
        }\n  \
        }\n}\n\
        resource \"aws_sqs_queue_policy\" \"q\" {\n  \
        queue_url = aws_sqs_queue.q.id\n  \
        policy    = data.aws_iam_policy_document.q.json\n}",
    docs: "## What it does\n\
        Asks the IAM evaluator, for every SQS action an `Allow` statement of the queue's access \
        policy covers, whether an anonymous caller or a principal of an unknown AWS account \
        (whose own policies allow everything) may call it on the queue. The caller picks the \
        request values it controls (its own tags, request parameters) but not who it is or \
        where it calls from: `aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:PrincipalArn`, \
        `aws:SourceArn`, `aws:SourceAccount`, `aws:SourceIp`, `aws:SourceVpc` and \
        `aws:SourceVpce` take the outsider's values, so a condition on them with a specific \
        value closes the grant, while wildcards, `0.0.0.0/0`, negated and `…IfExists` \
        conditions do not. Deny statements and resource control policies count. The finding \
        names the actions, who may call them and the statements that allowed them; accounts \
        outside the inventory that the policy names are listed (in the pass message too). \
        Queues whose policy was not read are *unknown*. Mirrors AWS Security Hub SQS.3.\n\n\
        ## Why is this bad?\n\
        Anyone can inject messages your consumers trust, read messages that may hold personal \
        or business data, delete them, or purge the queue.\n\n\
        ## How to fix\n\
        Grant to named principals, or to a service principal with an `aws:SourceArn` / \
        `aws:SourceAccount` condition; keep `*` only with `aws:PrincipalOrgID` or a VPC \
        endpoint condition.\n\n\
        ## References\n\
        - Amazon SQS Developer Guide: Basic examples of Amazon SQS policies; Using custom \
        policies with the Amazon SQS access policy language\n\
        - IAM User Guide: AWS global condition context keys\n\
        - AWS Security Hub controls reference: SQS.3\n\
        - Well-Architected SEC03-BP07 Analyze public and cross-account access; SEC08-BP04 \
        Enforce access control\n",
    since: "0.2.0",
};

impl Rule for SqsQueuePublicPolicy {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        if inv.queues.is_empty() {
            return;
        }
        let model = model(inv, out);
        for q in &inv.queues {
            let t = Target {
                resource: q,
                arn: &q.arn,
                name: &q.name,
                policy: PolicyState::of_optional(&q.policy),
                policy_location: q.policy_location.as_ref(),
                what: "queue",
                policy_word: "policy",
                service: "sqs",
                extra: serde_json::Value::Null,
            };
            judge(&model, &t, out);
        }
    }
}
