//! Who outside the inventory's accounts can act on a resource through its
//! resource policy (SQS queue, SNS topic, secret…), decided by the
//! evaluator rather than by reading the policy's text.
//!
//! Each action of the resource's service that an `Allow` statement of its
//! policy covers is asked for two callers from outside: an anonymous caller
//! and a principal of an unknown AWS account (whose own policies are
//! assumed to allow everything). The caller controls its request: where the
//! IAM User Guide lets a caller pick a condition key's value (its own tags,
//! request parameters such as `sns:Protocol`), the probe sends the value the
//! policy asks for. It does not control who it is or where it calls from:
//! `aws:PrincipalAccount`, `aws:PrincipalOrgID`, `aws:PrincipalArn`,
//! `aws:SourceArn`, `aws:SourceAccount`, `aws:SourceIp`, `aws:SourceVpc`,
//! `aws:SourceVpce`… take the outsider's own values, which match only
//! wildcards (`*`, `0.0.0.0/0`) and negated conditions. Each caller is asked
//! calling from the internet, through a service on behalf of its own
//! resource, and through its own VPC endpoint.

use crate::condition::CondOp;
use crate::eval::{Outcome, Request, RequestPrincipal};
use crate::inventory::IamModel;
use crate::pattern::CtxValue;
use crate::policy::{ActionSpec, Effect, Policy};

/// The outside account the probes call from: not any account of the
/// inventory (documentation range of account ids is not defined by AWS;
/// this one is all zeros and cannot be a real account).
pub const OUTSIDER_ACCOUNT: &str = "000000000000";

/// Condition keys (lower case) whose value the caller does not choose:
/// who it is, its organization, the resource a service acts for, and the
/// network it calls from (IAM User Guide, "AWS global condition context
/// keys").
const OUTSIDER_KEYS: &[&str] = &[
    "aws:principalaccount",
    "aws:principalarn",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principaltype",
    "aws:principalisawsservice",
    "aws:principalservicename",
    "aws:principalservicenamesarray",
    "aws:userid",
    "aws:username",
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:sourceowner",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:sourceip",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:vpcsourceip",
    "aws:viaawsservice",
    "aws:calledvia",
    "aws:calledviafirst",
    "aws:calledvialast",
    "aws:resourceaccount",
    "aws:resourceorgid",
    "aws:resourceorgpaths",
    "kms:calleraccount",
    "s3:dataaccesspointaccount",
    "s3:dataaccesspointarn",
];

/// Who the outside caller is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Caller {
    /// An unauthenticated caller.
    Anonymous,
    /// A principal of any AWS account outside the inventory.
    AnyAccount,
}

impl Caller {
    /// Short label for messages and evidence.
    pub fn label(self) -> &'static str {
        match self {
            Caller::Anonymous => "anonymous callers",
            Caller::AnyAccount => "any AWS account",
        }
    }
}

/// A statement of the resource policy that allowed an outside caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Granting {
    /// `Sid`, when the statement has one.
    pub sid: Option<String>,
    /// Position in the policy (0-based).
    pub index: usize,
    /// Line in the policy's file, when known.
    pub line: Option<u32>,
}

/// An action an outside caller is allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// `service:Action`.
    pub action: String,
    /// The callers allowed, in order.
    pub callers: Vec<Caller>,
    /// The statements that allowed it.
    pub statements: Vec<Granting>,
}

/// The outside access a resource policy gives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exposure {
    /// Actions anyone outside may call.
    pub public: Vec<Grant>,
    /// Accounts outside the inventory that the policy names, each with the
    /// actions its principals may call (given their own policies allow).
    pub cross_account: Vec<(String, Vec<String>)>,
}

/// The actions of `service` that some `Allow` statement of `policy` covers.
fn allowed_actions(policy: &Policy, service: &str) -> Vec<String> {
    let catalog = crate::catalog::Catalog::builtin();
    let mut all = catalog.expand(&format!("{service}:*"));
    all.retain(|a| {
        policy.statements.iter().any(|st| {
            st.effect == Effect::Allow
                && match &st.action {
                    ActionSpec::Action(p) => p.iter().any(|x| x.matches(a)),
                    ActionSpec::NotAction(p) => !p.iter().any(|x| x.matches(a)),
                }
        })
    });
    all
}

/// Context values the caller picks to satisfy one statement: for every
/// positive condition on a key it controls, the first value the condition
/// asks for (a pattern's wildcards filled in).
fn chosen_values(st: &crate::policy::Statement) -> Vec<(String, CtxValue)> {
    let mut out = Vec::new();
    for c in &st.conditions {
        let key = c.key.to_ascii_lowercase();
        if c.op.negated() || c.op == CondOp::Null {
            continue;
        }
        // The caller names its own roles and users, in its own account: an
        // ARN pattern open on the account lets it in.
        if key == "aws:principalarn" {
            if let Some(arn) = c.values.iter().find_map(|v| outsider_arn(&v.raw)) {
                out.push((c.key.clone(), CtxValue::One(arn)));
            }
            continue;
        }
        if OUTSIDER_KEYS.contains(&key.as_str()) {
            continue;
        }
        let plain = matches!(
            c.op,
            CondOp::StringEquals
                | CondOp::StringEqualsIgnoreCase
                | CondOp::StringLike
                | CondOp::ArnEquals
                | CondOp::ArnLike
                | CondOp::Bool
                | CondOp::BinaryEquals
                | CondOp::NumericEquals
                | CondOp::DateEquals
        );
        let Some(v) = c.values.first().filter(|_| plain) else {
            continue;
        };
        if v.has_vars() {
            continue;
        }
        let value = v.raw.replace(['*', '?'], "x");
        let cv = match c.qualifier {
            crate::condition::Qualifier::None => CtxValue::One(value),
            _ => CtxValue::Many(vec![value]),
        };
        out.push((c.key.clone(), cv));
    }
    out
}

/// An outsider's principal ARN that matches `pattern` when the pattern
/// leaves the account open (`arn:aws:iam::*:role/partner`): the account
/// becomes the outsider's, other wildcards a letter.
fn outsider_arn(pattern: &str) -> Option<String> {
    let f: Vec<&str> = pattern.splitn(6, ':').collect();
    let account = f.get(4)?;
    if f.len() != 6 || !account.contains(['*', '?']) || pattern.contains("${") {
        return None;
    }
    let fill = |x: &str| x.replace(['*', '?'], "x");
    Some(format!(
        "{}:{}:{}:{}:{OUTSIDER_ACCOUNT}:{}",
        fill(f.first()?),
        fill(f.get(1)?),
        fill(f.get(2)?),
        fill(f.get(3)?),
        fill(f.get(5)?)
    ))
}

/// The networks and call paths an outside caller may use: the internet,
/// a service acting for one of its resources, and its own VPC endpoint.
fn call_paths(region: &str, account: Option<&str>) -> Vec<Vec<(String, CtxValue)>> {
    let one = |k: &str, v: String| (k.to_owned(), CtxValue::One(v));
    let internet = vec![
        one("aws:SourceIp", "203.0.113.77".to_owned()),
        one("aws:SecureTransport", "true".to_owned()),
    ];
    let mut service = internet.clone();
    let owner = account.unwrap_or(OUTSIDER_ACCOUNT);
    service.push(one(
        "aws:SourceArn",
        format!("arn:aws:sns:{region}:{owner}:pillar-outsider"),
    ));
    service.push(one("aws:SourceAccount", owner.to_owned()));
    service.push(one("aws:SourceOwner", owner.to_owned()));
    let endpoint = vec![
        one("aws:SourceVpce", "vpce-0outsider000000000".to_owned()),
        one("aws:SourceVpc", "vpc-0outsider000000000".to_owned()),
        one("aws:VpcSourceIp", "10.255.0.77".to_owned()),
        one("aws:SecureTransport", "true".to_owned()),
    ];
    vec![internet, service, endpoint]
}

impl IamModel {
    /// The outside access the resource policy of `resource` gives to the
    /// actions of `service` (`sqs`, `sns`, `secretsmanager`), or `None` when
    /// the inventory has no compiled policy for it. `resource` is the ARN,
    /// or the resource's address in a Terraform or CloudFormation
    /// configuration that leaves the ARN to AWS.
    pub fn exposure(&self, resource: &str, service: &str) -> Option<Exposure> {
        let policy = self.resource_policy(resource)?;
        let region = crate::arn::split(resource)
            .map(|f| f[3])
            .unwrap_or_default();
        let owner = self.resource_account(resource);
        let actions = allowed_actions(policy, service);
        let mut fills: Vec<Vec<(String, CtxValue)>> = vec![Vec::new()];
        for st in &policy.statements {
            if st.effect == Effect::Allow {
                let f = chosen_values(st);
                if !f.is_empty() && !fills.contains(&f) {
                    fills.push(f);
                }
            }
        }
        let outsider = format!("arn:aws:iam::{OUTSIDER_ACCOUNT}:role/pillar-outsider");
        let mut exposure = Exposure::default();
        for action in &actions {
            let mut grant = Grant {
                action: action.clone(),
                callers: Vec::new(),
                statements: Vec::new(),
            };
            for caller in [Caller::Anonymous, Caller::AnyAccount] {
                let principal = match caller {
                    Caller::Anonymous => RequestPrincipal::anonymous(),
                    Caller::AnyAccount => RequestPrincipal::parse(&outsider),
                };
                let allowed = self.probe(
                    &principal,
                    action,
                    resource,
                    owner.as_deref(),
                    region,
                    &fills,
                    &mut grant.statements,
                );
                if allowed {
                    grant.callers.push(caller);
                }
            }
            if !grant.callers.is_empty() {
                exposure.public.push(grant);
            }
        }
        for account in self.external_accounts_named(resource) {
            if owner.as_deref() == Some(account.as_str()) || account == OUTSIDER_ACCOUNT {
                continue;
            }
            let principal = RequestPrincipal::parse(&format!("arn:aws:iam::{account}:root"));
            let mut sink = Vec::new();
            let allowed: Vec<String> = actions
                .iter()
                .filter(|a| {
                    self.probe(
                        &principal,
                        a,
                        resource,
                        owner.as_deref(),
                        region,
                        &fills,
                        &mut sink,
                    )
                })
                .cloned()
                .collect();
            if !allowed.is_empty() {
                exposure.cross_account.push((account, allowed));
            }
        }
        Some(exposure)
    }

    /// Whether `principal` may call `action` on `resource` along any call
    /// path with any of the caller-chosen `fills`; the allowing statements
    /// are added to `statements`.
    #[allow(clippy::too_many_arguments)]
    fn probe(
        &self,
        principal: &RequestPrincipal,
        action: &str,
        resource: &str,
        owner: Option<&str>,
        region: &str,
        fills: &[Vec<(String, CtxValue)>],
        statements: &mut Vec<Granting>,
    ) -> bool {
        let source_owner = principal.account.as_deref();
        for path in call_paths(region, source_owner) {
            for fill in fills {
                let mut req = Request::new("", action, resource);
                req.principal = principal.clone();
                req.resource_account = owner.map(str::to_owned);
                for (k, v) in &path {
                    req.context.insert(k, v.clone());
                }
                if principal.account.is_some() {
                    req.context.insert(
                        "aws:PrincipalOrgID",
                        CtxValue::One("o-0outsider00".to_owned()),
                    );
                }
                for (k, v) in fill {
                    // Anonymous callers have no principal keys.
                    let principal_key = k.to_ascii_lowercase().starts_with("aws:principal");
                    if principal.account.is_some() || !principal_key {
                        req.context.insert_default(k, v.clone());
                    }
                }
                self.fill_principal_context(&mut req);
                let (d, _) = self.simulate(&req);
                if d.outcome == Outcome::Allowed {
                    for s in d.statements {
                        if s.kind != crate::eval::PolicyKind::Resource {
                            continue;
                        }
                        let g = Granting {
                            sid: s.statement.sid.clone(),
                            index: s.statement.index,
                            line: Some(s.statement.line).filter(|l| *l > 0),
                        };
                        if !statements.contains(&g) {
                            statements.push(g);
                        }
                    }
                    return true;
                }
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pillar_model::{Inventory, Known, PolicyDocument};

    fn queue(policy: serde_json::Value) -> (IamModel, &'static str) {
        let arn = "arn:aws:sqs:us-east-1:111122223333:orders";
        let mut inv = Inventory::default();
        let mut q = pillar_model::Queue {
            name: "orders".into(),
            arn: arn.into(),
            policy: Known::Known(Some(PolicyDocument(policy))),
            ..Default::default()
        };
        q.resource.account = Some("111122223333".into());
        inv.queues.push(q);
        let m = IamModel::build(&inv);
        assert!(m.problems.is_empty(), "{:?}", m.problems);
        (m, arn)
    }

    fn public_actions(policy: serde_json::Value) -> Vec<(String, Vec<Caller>)> {
        let (m, arn) = queue(policy);
        m.exposure(arn, "sqs")
            .unwrap()
            .public
            .into_iter()
            .map(|g| (g.action, g.callers))
            .collect()
    }

    fn stmt(principal: serde_json::Value, condition: serde_json::Value) -> serde_json::Value {
        let mut st = serde_json::json!({"Effect":"Allow","Principal":principal,
            "Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:111122223333:orders"});
        if !condition.is_null() {
            st["Condition"] = condition;
        }
        serde_json::json!({"Version":"2012-10-17","Statement":[st]})
    }

    #[test]
    fn anyone_and_any_account() {
        let both = vec![Caller::Anonymous, Caller::AnyAccount];
        assert_eq!(
            public_actions(stmt(serde_json::json!("*"), serde_json::Value::Null)),
            vec![("sqs:SendMessage".to_owned(), both.clone())]
        );
        // {"AWS": "*"}: every authenticated principal (anonymous callers
        // too, as IAM treats it the same as "*").
        assert!(!public_actions(stmt(
            serde_json::json!({"AWS":"*"}),
            serde_json::Value::Null
        ))
        .is_empty());
    }

    #[test]
    fn narrowing_conditions_close_it_and_wildcards_do_not() {
        for cond in [
            serde_json::json!({"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:111122223333:events"}}),
            serde_json::json!({"StringEquals":{"aws:SourceAccount":"111122223333"}}),
            serde_json::json!({"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}),
            serde_json::json!({"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c"}}),
            serde_json::json!({"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}),
            serde_json::json!({"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::444455556666:role/*"}}),
        ] {
            assert!(
                public_actions(stmt(serde_json::json!("*"), cond.clone())).is_empty(),
                "{cond}"
            );
        }
        for cond in [
            serde_json::json!({"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:*:*"}}),
            serde_json::json!({"StringNotEquals":{"aws:PrincipalOrgID":"o-abc123"}}),
            serde_json::json!({"StringEqualsIfExists":{"aws:SourceAccount":"111122223333"}}),
            serde_json::json!({"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}),
            serde_json::json!({"Bool":{"aws:SecureTransport":"true"}}),
            serde_json::json!({"StringEquals":{"aws:PrincipalTag/team":"web"}}),
            serde_json::json!({"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/partner"}}),
        ] {
            assert!(
                !public_actions(stmt(serde_json::json!("*"), cond.clone())).is_empty(),
                "{cond}"
            );
        }
    }

    #[test]
    fn a_deny_closes_and_named_accounts_are_cross_account() {
        let (m, arn) = queue(serde_json::json!({"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Principal":"*","Action":"sqs:*","Resource":"*"},
            {"Effect":"Deny","Principal":"*","Action":"sqs:*","Resource":"*",
             "Condition":{"StringNotEquals":{"aws:PrincipalAccount":"111122223333"}}}]}));
        assert_eq!(m.exposure(arn, "sqs").unwrap(), Exposure::default());
        let (m, arn) = queue(serde_json::json!({"Version":"2012-10-17","Statement":[
            {"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},
             "Action":["sqs:SendMessage","sqs:GetQueueUrl"],"Resource":"*"}]}));
        let e = m.exposure(arn, "sqs").unwrap();
        assert!(e.public.is_empty());
        assert_eq!(
            e.cross_account,
            vec![(
                "444455556666".to_owned(),
                vec!["sqs:GetQueueUrl".to_owned(), "sqs:SendMessage".to_owned()]
            )]
        );
        // The statements that granted are named.
        let (m, arn) = queue(serde_json::json!({"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sqs:*","Resource":"*"},
            {"Sid":"Open","Effect":"Allow","Principal":"*","Action":"sqs:ReceiveMessage","Resource":"*"}]}));
        let e = m.exposure(arn, "sqs").unwrap();
        assert_eq!(e.public.len(), 1);
        assert_eq!(e.public[0].statements[0].sid.as_deref(), Some("Open"));
        assert_eq!(e.public[0].statements[0].index, 1);
        assert!(m
            .exposure("arn:aws:sqs:us-east-1:111122223333:other", "sqs")
            .is_none());
    }
}
