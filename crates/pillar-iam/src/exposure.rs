//! Who outside the inventory's accounts can act on a resource through its
//! resource policy (S3 bucket, KMS key, SQS queue, SNS topic, secret, role
//! trust policy), decided by the evaluator rather than by reading the
//! policy's text.
//!
//! Each action of the resource's service that an `Allow` statement of its
//! policy covers is asked for two callers from outside: an anonymous caller
//! and a principal of an unknown AWS account (whose own policies are
//! assumed to allow everything). The caller controls its request: where the
//! IAM User Guide lets a caller pick a condition key's value (its own tags,
//! its session's MFA age and issue time, request parameters such as
//! `sns:Protocol`), the probe sends a value the policy asks for, numbers and
//! dates included. It does not control who it is, where it calls from or
//! when: `aws:PrincipalAccount`, `aws:PrincipalOrgID`, `aws:PrincipalArn`,
//! `aws:SourceArn`, `aws:SourceAccount`, `aws:SourceIp`, `aws:SourceVpc`,
//! `aws:SourceVpce`… take the outsider's own values, which match only
//! wildcards (`*`, `0.0.0.0/0`) and negated conditions, and `aws:CurrentTime`
//! and `aws:EpochTime` ("always included in the request context", the time
//! of the request) are the time of the inventory. Each caller is asked
//! calling from the internet, through a service on behalf of its own
//! resource, and through its own VPC endpoint. A bucket is asked about
//! itself and about an object in it, each action on the resource types the
//! Service Authorization Reference gives it.

use crate::condition::CondOp;
use crate::eval::{Outcome, Request, RequestPrincipal};
use crate::inventory::IamModel;
use crate::pattern::CtxValue;
use crate::policy::{ActionPattern, ActionSpec, Effect, Policy};

/// The outside account the probes call from: not any account of the
/// inventory (documentation range of account ids is not defined by AWS;
/// this one is all zeros and cannot be a real account).
pub const OUTSIDER_ACCOUNT: &str = "000000000000";

/// Condition keys (lower case) whose value the caller does not choose:
/// who it is, its organization, the resource a service acts for, the
/// network it calls from, the time of the request and the resource's own
/// tags (IAM User Guide, "AWS global condition context keys").
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
    "aws:currenttime",
    "aws:epochtime",
    "kms:calleraccount",
    "s3:dataaccesspointaccount",
    "s3:dataaccesspointarn",
];

/// Keys of the caller's own session: an authenticated caller sets them
/// (it signs in with MFA, gets fresh credentials, tags itself); an
/// anonymous caller has none.
fn session_key(key_lower: &str) -> bool {
    key_lower.starts_with("aws:principal")
        || key_lower.starts_with("aws:multifactorauth")
        || key_lower == "aws:tokenissuetime"
}

/// The account of a resource whose account is not known (a Terraform or
/// CloudFormation configuration leaves it to deploy): any account but the
/// outsider's.
const UNKNOWN_OWNER: &str = "999999999999";

/// The object of a bucket the probes ask about.
const PROBE_OBJECT: &str = "pillar-probe-object";

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

/// The resources to ask `action` about: those of `targets` that are of a
/// resource type the action applies to (Service Authorization Reference);
/// all of them when the catalog does not tell (no types, or the targets are
/// configuration addresses rather than ARNs).
fn targets_for<'t>(action: &str, targets: &'t [String]) -> Vec<&'t str> {
    let all = || targets.iter().map(String::as_str).collect();
    let Some((svc, name)) = action.split_once(':') else {
        return all();
    };
    let Some(service) = crate::catalog::Catalog::builtin().service(svc) else {
        return all();
    };
    let pattern = ActionPattern::new(name);
    let formats: Vec<&crate::catalog::ArnFormat> = service
        .matching(&pattern)
        .flat_map(|(_, types)| types.into_iter().flat_map(|(_, f)| f.iter()))
        .collect();
    if formats.is_empty() {
        return all();
    }
    let fit: Vec<&str> = targets
        .iter()
        .filter(|t| {
            let toks = crate::pattern::Template::new(t, false, false).wild();
            formats.iter().any(|f| f.intersects(&toks))
        })
        .map(String::as_str)
        .collect();
    if fit.is_empty() {
        all()
    } else {
        fit
    }
}

/// A number as a policy writes it (integers without a fraction).
fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// The value a caller sends to satisfy a positive condition `op` with the
/// policy's `value` on a key it controls, when there is one: equal for the
/// equality and inclusive operators, one past it for the strict ones
/// (numbers by 1, dates by a second), the pattern's wildcards filled in.
fn satisfying(op: CondOp, value: &str) -> Option<String> {
    use CondOp::*;
    match op {
        StringEquals
        | StringEqualsIgnoreCase
        | StringLike
        | ArnEquals
        | ArnLike
        | Bool
        | BinaryEquals => Some(value.replace(['*', '?'], "x")),
        NumericEquals
        | NumericLessThan
        | NumericLessThanEquals
        | NumericGreaterThan
        | NumericGreaterThanEquals => {
            let n: f64 = value.trim().parse().ok().filter(|n: &f64| n.is_finite())?;
            let v = match op {
                NumericLessThan => n - 1.0,
                NumericGreaterThan => n + 1.0,
                _ => n,
            };
            Some(number_text(v))
        }
        DateEquals
        | DateLessThan
        | DateLessThanEquals
        | DateGreaterThan
        | DateGreaterThanEquals => {
            let ms = crate::condition::parse_date_ms(value)?;
            let v = match op {
                DateLessThan => ms.checked_sub(1000)?,
                DateGreaterThan => ms.checked_add(1000)?,
                _ => ms,
            };
            chrono::DateTime::from_timestamp_millis(v)
                .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        }
        _ => None,
    }
}

/// Context values the caller picks to satisfy one statement: for every
/// positive condition on a key it controls, a value the condition asks for.
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
        let Some(v) = c.values.first() else {
            continue;
        };
        if v.has_vars() {
            continue;
        }
        let Some(value) = satisfying(c.op, &v.raw) else {
            continue;
        };
        // An MFA age is a count of seconds: never negative.
        if key == "aws:multifactorauthage" && value.starts_with('-') {
            continue;
        }
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

/// What one probe asks: a resource and the request values a caller chose.
struct Probe<'a> {
    resource: &'a str,
    owner: Option<&'a str>,
    region: &'a str,
    fills: &'a [Vec<(String, CtxValue)>],
    /// The model's entry whose resource policy is asked.
    entry: Option<usize>,
}

/// The probes for `action`: one per target of a type it applies to.
fn probes<'p>(
    action: &str,
    targets: &'p [String],
    owners: &'p [(String, Option<String>, String)],
    fills: &'p [Vec<(String, CtxValue)>],
    entry: Option<usize>,
) -> Vec<Probe<'p>> {
    let fit = targets_for(action, targets);
    owners
        .iter()
        .filter(|(t, _, _)| fit.contains(&t.as_str()))
        .map(|(t, owner, region)| Probe {
            resource: t,
            owner: owner.as_deref(),
            region,
            fills,
            entry,
        })
        .collect()
}

impl IamModel {
    /// The outside access the resource policy of `resource` gives to the
    /// actions of `service` (`s3`, `kms`, `sqs`, `sns`, `secretsmanager`,
    /// `sts` for a role's trust policy), or `None` when the inventory has
    /// no compiled policy for it. `resource` is the ARN, or the resource's
    /// address in a Terraform or CloudFormation configuration that leaves
    /// the ARN to AWS (then the ARNs its policy names stand for it too).
    pub fn exposure(&self, resource: &str, service: &str) -> Option<Exposure> {
        self.exposure_of(resource, service, None)
    }

    /// [`IamModel::exposure`] of the policy that came from the resource
    /// with id `id` (its `ResourceRef` id), when several resources share
    /// the ARN (a bucket read from a snapshot and declared in Terraform).
    pub fn exposure_of(&self, resource: &str, service: &str, id: Option<&str>) -> Option<Exposure> {
        let entry = self.policy_entry(resource, id);
        let policy = entry
            .and_then(|i| self.entry_policy(i))
            .or_else(|| self.trust_policy(resource))?;
        let mut targets: Vec<String> = vec![resource.to_owned()];
        if let Some(i) = entry {
            targets.extend(self.entry_aliases(i).iter().cloned());
        }
        if entry.is_some_and(|i| self.entry_covers_children(i)) {
            let children: Vec<String> = targets
                .iter()
                .map(|t| format!("{t}/{PROBE_OBJECT}"))
                .collect();
            targets.extend(children);
        }
        let owners: Vec<(String, Option<String>, String)> = targets
            .iter()
            .map(|t| {
                let region = crate::arn::split(t)
                    .map(|f| f[3].to_owned())
                    .unwrap_or_default();
                // A configuration's resource whose account is not known
                // is still not the outsider's.
                let owner = self
                    .resource_account(t)
                    .or_else(|| self.resource_account(resource))
                    .or_else(|| self.sole_account().map(str::to_owned))
                    .unwrap_or_else(|| UNKNOWN_OWNER.to_owned());
                (t.clone(), Some(owner), region)
            })
            .collect();
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
        let probes_for = |action: &str| probes(action, &targets, &owners, &fills, entry);
        let outsider = format!("arn:aws:iam::{OUTSIDER_ACCOUNT}:role/pillar-outsider");
        let mut exposure = Exposure::default();
        for action in &actions {
            let probes = probes_for(action);
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
                let allowed = probes
                    .iter()
                    .any(|p| self.probe(&principal, action, p, &mut grant.statements));
                if allowed {
                    grant.callers.push(caller);
                }
            }
            if !grant.callers.is_empty() {
                exposure.public.push(grant);
            }
        }
        let home = self.resource_account(resource);
        for account in self.external_accounts_named(resource) {
            if home.as_deref() == Some(account.as_str()) || account == OUTSIDER_ACCOUNT {
                continue;
            }
            let principal = RequestPrincipal::parse(&format!("arn:aws:iam::{account}:root"));
            let mut sink = Vec::new();
            let allowed: Vec<String> = actions
                .iter()
                .filter(|a| {
                    probes_for(a)
                        .iter()
                        .any(|p| self.probe(&principal, a, p, &mut sink))
                })
                .cloned()
                .collect();
            if !allowed.is_empty() {
                exposure.cross_account.push((account, allowed));
            }
        }
        Some(exposure)
    }

    /// Whether `principal` may call `action` as `probe` asks, along any call
    /// path with any of the caller-chosen fills; the allowing statements are
    /// added to `statements`.
    fn probe(
        &self,
        principal: &RequestPrincipal,
        action: &str,
        probe: &Probe<'_>,
        statements: &mut Vec<Granting>,
    ) -> bool {
        let source_owner = principal.account.as_deref();
        let now = self.now;
        for path in call_paths(probe.region, source_owner) {
            for fill in probe.fills {
                let mut req = Request::new("", action, probe.resource);
                req.principal = principal.clone();
                req.resource_account = probe.owner.map(str::to_owned);
                for (k, v) in &path {
                    req.context.insert(k, v.clone());
                }
                req.context.insert(
                    "aws:CurrentTime",
                    CtxValue::One(now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
                );
                req.context
                    .insert("aws:EpochTime", CtxValue::One(now.timestamp().to_string()));
                if principal.account.is_some() {
                    req.context.insert(
                        "aws:PrincipalOrgID",
                        CtxValue::One("o-0outsider00".to_owned()),
                    );
                }
                for (k, v) in fill {
                    // Anonymous callers have no session keys.
                    if principal.account.is_some() || !session_key(&k.to_ascii_lowercase()) {
                        req.context.insert_default(k, v.clone());
                    }
                }
                self.fill_principal_context(&mut req);
                let (d, _) = self.simulate_with(&req, probe.entry);
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

    #[test]
    fn numbers_and_dates_the_caller_controls_are_chosen() {
        // The caller's own session and tags: it picks values that satisfy
        // the condition, strict comparisons included.
        for cond in [
            serde_json::json!({"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}),
            serde_json::json!({"NumericLessThanEquals":{"aws:MultiFactorAuthAge":"0"}}),
            serde_json::json!({"NumericGreaterThan":{"aws:PrincipalTag/level":"4"}}),
            serde_json::json!({"NumericGreaterThanEquals":{"aws:RequestTag/size":"10.5"}}),
            serde_json::json!({"DateGreaterThan":{"aws:TokenIssueTime":"2030-01-01T00:00:00Z"}}),
            serde_json::json!({"DateLessThan":{"aws:TokenIssueTime":"2001-01-01T00:00:00Z"}}),
        ] {
            let got = public_actions(stmt(serde_json::json!("*"), cond.clone()));
            assert!(!got.is_empty(), "{cond}");
        }
        // Session keys: an anonymous caller has no MFA, only an account's
        // principal is let in.
        assert_eq!(
            public_actions(stmt(
                serde_json::json!("*"),
                serde_json::json!({"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}})
            ))[0]
                .1,
            vec![Caller::AnyAccount]
        );
        // An MFA age is never negative.
        assert!(public_actions(stmt(
            serde_json::json!("*"),
            serde_json::json!({"NumericLessThan":{"aws:MultiFactorAuthAge":"0"}})
        ))
        .is_empty());
    }

    #[test]
    fn the_time_of_the_request_is_not_the_callers() {
        // aws:CurrentTime and aws:EpochTime are the time of the request:
        // the inventory's. A grant that ended before it is closed, one that
        // began before it is open, one that begins after it is closed.
        let with_time = |cond: serde_json::Value| {
            let (mut m, arn) = queue(stmt(serde_json::json!("*"), cond));
            m.now = chrono::DateTime::parse_from_rfc3339("2026-06-01T00:00:00Z")
                .unwrap()
                .with_timezone(&chrono::Utc);
            !m.exposure(arn, "sqs").unwrap().public.is_empty()
        };
        assert!(!with_time(
            serde_json::json!({"DateLessThan":{"aws:CurrentTime":"2025-01-01T00:00:00Z"}})
        ));
        assert!(with_time(
            serde_json::json!({"DateGreaterThan":{"aws:CurrentTime":"2025-01-01T00:00:00Z"}})
        ));
        assert!(!with_time(
            serde_json::json!({"DateGreaterThan":{"aws:CurrentTime":"2027-01-01T00:00:00Z"}})
        ));
        assert!(with_time(
            serde_json::json!({"NumericLessThan":{"aws:EpochTime":"1800000000"}})
        ));
        assert!(!with_time(
            serde_json::json!({"NumericLessThan":{"aws:EpochTime":"1700000000"}})
        ));
        assert!(!with_time(
            serde_json::json!({"DateLessThan":{"aws:EpochTime":"1700000000"}})
        ));
    }

    #[test]
    fn satisfying_values() {
        assert_eq!(
            satisfying(CondOp::NumericLessThan, "10").as_deref(),
            Some("9")
        );
        assert_eq!(
            satisfying(CondOp::NumericGreaterThan, "1.5").as_deref(),
            Some("2.5")
        );
        assert_eq!(satisfying(CondOp::NumericEquals, "x"), None);
        assert_eq!(
            satisfying(CondOp::DateGreaterThan, "2024-01-01").as_deref(),
            Some("2024-01-01T00:00:01Z")
        );
        assert_eq!(
            satisfying(CondOp::DateLessThanEquals, "1704067200").as_deref(),
            Some("2024-01-01T00:00:00Z")
        );
        assert_eq!(
            satisfying(CondOp::StringLike, "a*b").as_deref(),
            Some("axb")
        );
        assert_eq!(satisfying(CondOp::IpAddress, "10.0.0.0/8"), None);
    }

    #[test]
    fn buckets_are_asked_about_their_objects() {
        let mut inv = Inventory::default();
        let mut b = pillar_model::Bucket {
            name: "site".into(),
            policy: Known::Known(Some(PolicyDocument(
                serde_json::json!({"Version":"2012-10-17","Statement":[
                {"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"},
                {"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::site",
                 "Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"}}}]}),
            ))),
            ..Default::default()
        };
        b.resource.account = Some("111122223333".into());
        inv.buckets.push(b);
        let m = IamModel::build(&inv);
        let e = m.exposure("arn:aws:s3:::site", "s3").unwrap();
        let actions: Vec<&str> = e.public.iter().map(|g| g.action.as_str()).collect();
        assert_eq!(actions, ["s3:GetObject"]);
    }

    #[test]
    fn a_snapshot_and_a_configuration_bucket_of_one_name_keep_their_policies() {
        let bucket = |id: &str, source, principal: serde_json::Value| {
            let mut b = pillar_model::Bucket {
                name: "site".into(),
                policy: Known::Known(Some(PolicyDocument(serde_json::json!({"Statement":[
                    {"Effect":"Allow","Principal":principal,"Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"}]})))),
                ..Default::default()
            };
            b.resource.id = id.into();
            b.resource.source = Some(source);
            b
        };
        let mut inv = Inventory::default();
        inv.buckets.push(bucket(
            "arn:aws:s3:::site",
            pillar_model::SourceKind::Snapshot,
            serde_json::json!({"AWS":"arn:aws:iam::111122223333:root"}),
        ));
        inv.buckets.push(bucket(
            "aws_s3_bucket.site",
            pillar_model::SourceKind::Terraform,
            serde_json::json!("*"),
        ));
        let m = IamModel::build(&inv);
        let public = |id| {
            !m.exposure_of("arn:aws:s3:::site", "s3", Some(id))
                .unwrap()
                .public
                .is_empty()
        };
        assert!(!public("arn:aws:s3:::site"));
        assert!(public("aws_s3_bucket.site"));
    }

    #[test]
    fn trust_policies_and_configuration_addresses() {
        let mut inv = Inventory::default();
        inv.roles.push(pillar_model::IamRole {
            arn: "arn:aws:iam::111122223333:role/open".into(),
            name: "open".into(),
            assume_role_policy: Known::Known(PolicyDocument(
                serde_json::json!({"Version":"2012-10-17","Statement":[
                {"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}),
            )),
            ..Default::default()
        });
        // A queue of a configuration: known by its address, its policy
        // names the ARN AWS will give it.
        let mut q = pillar_model::Queue {
            name: "orders".into(),
            arn: "aws_sqs_queue.orders".into(),
            policy: Known::Known(Some(PolicyDocument(
                serde_json::json!({"Version":"2012-10-17","Statement":[
                {"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage",
                 "Resource":"arn:aws:sqs:us-east-1:111122223333:orders"}]}),
            ))),
            ..Default::default()
        };
        q.resource.source = Some(pillar_model::SourceKind::Terraform);
        inv.queues.push(q);
        // An external ID is a request parameter: whoever learns it sends it.
        inv.roles.push(pillar_model::IamRole {
            arn: "arn:aws:iam::111122223333:role/vendor".into(),
            name: "vendor".into(),
            assume_role_policy: Known::Known(PolicyDocument(
                serde_json::json!({"Version":"2012-10-17","Statement":[
                {"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole",
                 "Condition":{"StringEquals":{"sts:ExternalId":"a1b2c3"}}}]}),
            )),
            ..Default::default()
        });
        inv.roles.push(pillar_model::IamRole {
            arn: "arn:aws:iam::111122223333:role/org".into(),
            name: "org".into(),
            assume_role_policy: Known::Known(PolicyDocument(
                serde_json::json!({"Version":"2012-10-17","Statement":[
                {"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole",
                 "Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}),
            )),
            ..Default::default()
        });
        let m = IamModel::build(&inv);
        let public = |role: &str| !m.exposure(role, "sts").unwrap().public.is_empty();
        assert!(public("arn:aws:iam::111122223333:role/vendor"));
        assert!(!public("arn:aws:iam::111122223333:role/org"));
        let e = m
            .exposure("arn:aws:iam::111122223333:role/open", "sts")
            .unwrap();
        assert!(e
            .public
            .iter()
            .any(|g| g.action == "sts:AssumeRole" && g.callers.contains(&Caller::AnyAccount)));
        assert_eq!(
            m.aliases("aws_sqs_queue.orders"),
            ["arn:aws:sqs:us-east-1:111122223333:orders"]
        );
        let e = m.exposure("aws_sqs_queue.orders", "sqs").unwrap();
        assert_eq!(e.public.len(), 1);
        // Its account is not known, yet it is not the outsider's: a grant
        // to a service for a named source stays closed.
        let mut inv = Inventory::default();
        let mut q = pillar_model::Queue {
            arn: "Closed".into(),
            policy: Known::Known(Some(PolicyDocument(serde_json::json!({"Statement":[
                {"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage",
                 "Resource":"Closed","Condition":{"ArnEquals":{"aws:SourceArn":"Events"}}}]})))),
            ..Default::default()
        };
        q.resource.source = Some(pillar_model::SourceKind::Cloudformation);
        inv.queues.push(q);
        let m = IamModel::build(&inv);
        assert_eq!(m.exposure("Closed", "sqs").unwrap(), Exposure::default());
    }
}
