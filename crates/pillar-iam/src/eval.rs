//! The request decision procedure (see `IAM_EVALUATION.md`, from the IAM
//! User Guide's "Policy evaluation logic" and "Cross-account policy
//! evaluation logic" pages).

use crate::arn;
use crate::pattern::{glob_match, Context, PTok, Template};
use crate::policy::{
    ActionSpec, Effect, Policy, PrincipalSpec, Principals, ResourceSpec, Statement,
};
use std::borrow::Cow;
use std::fmt;

/// What kind of principal makes the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalKind {
    /// An IAM user.
    User,
    /// An IAM role (as a principal, e.g. in a trust policy question).
    Role,
    /// An assumed-role session; holds the role's name.
    AssumedRole {
        /// The role name.
        role_name: String,
    },
    /// A federated-user session (GetFederationToken).
    FederatedUser,
    /// The account root user.
    Root,
    /// An AWS service principal (`lambda.amazonaws.com`).
    Service,
    /// An unauthenticated caller.
    Anonymous,
    /// Any other ARN.
    Other,
}

/// The principal of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestPrincipal {
    /// ARN, service name, or empty for anonymous.
    pub id: String,
    /// Kind.
    pub kind: PrincipalKind,
    /// Account id, when the principal has one.
    pub account: Option<String>,
}

impl RequestPrincipal {
    /// An anonymous caller.
    pub fn anonymous() -> Self {
        RequestPrincipal {
            id: String::new(),
            kind: PrincipalKind::Anonymous,
            account: None,
        }
    }

    /// Recognise a principal from its ARN or service name.
    pub fn parse(s: &str) -> Self {
        let s = s.trim();
        let Some(f) = arn::split(s) else {
            let kind = if s.is_empty() || s == "*" || s.eq_ignore_ascii_case("anonymous") {
                PrincipalKind::Anonymous
            } else if s.contains('.') {
                PrincipalKind::Service
            } else {
                PrincipalKind::Other
            };
            return RequestPrincipal {
                id: s.to_owned(),
                kind,
                account: None,
            };
        };
        let account = Some(f[4].to_owned()).filter(|a| !a.is_empty());
        let res = f[5];
        let kind = match f[2] {
            "iam" if res == "root" => PrincipalKind::Root,
            "iam" if res.starts_with("user/") => PrincipalKind::User,
            "iam" if res.starts_with("role/") => PrincipalKind::Role,
            "sts" if res.starts_with("assumed-role/") => PrincipalKind::AssumedRole {
                role_name: res
                    .trim_start_matches("assumed-role/")
                    .split('/')
                    .next()
                    .unwrap_or_default()
                    .to_owned(),
            },
            "sts" if res.starts_with("federated-user/") => PrincipalKind::FederatedUser,
            _ => PrincipalKind::Other,
        };
        RequestPrincipal {
            id: s.to_owned(),
            kind,
            account,
        }
    }

    fn is_service_linked_role(&self) -> bool {
        match &self.kind {
            PrincipalKind::Role => self.id.contains(":role/aws-service-role/"),
            PrincipalKind::AssumedRole { role_name } => role_name.starts_with("AWSServiceRoleFor"),
            _ => false,
        }
    }

    fn is_iam(&self) -> bool {
        !matches!(self.kind, PrincipalKind::Service | PrincipalKind::Anonymous)
    }
}

/// One request.
#[derive(Debug, Clone)]
pub struct Request {
    /// Who.
    pub principal: RequestPrincipal,
    /// `service:Action`.
    pub action: String,
    /// The resource ARN; it may hold `*`/`?` to ask about a set of resources.
    pub resource: String,
    /// The account that owns the resource, when known.
    pub resource_account: Option<String>,
    /// Context keys.
    pub context: Context,
    /// The action takes no resource (`s3:ListAllMyBuckets`): the resource is
    /// the literal `*`, matched only by a `*` pattern.
    pub wildcard_only: bool,
}

impl Request {
    /// A request with an empty context.
    pub fn new(principal: &str, action: &str, resource: &str) -> Self {
        Request {
            principal: RequestPrincipal::parse(principal),
            action: action.to_owned(),
            resource: resource.to_owned(),
            resource_account: None,
            context: Context::new(),
            wildcard_only: false,
        }
    }
}

/// The policies that bear on a request.
#[derive(Debug, Clone, Default)]
pub struct PolicySet<'a> {
    /// Identity policies (inline, managed, the groups').
    pub identity: Vec<&'a Policy>,
    /// The resource-based policy (or policies).
    pub resource: Vec<&'a Policy>,
    /// The permissions boundary (empty: none).
    pub boundary: Vec<&'a Policy>,
    /// Session policies (empty: none).
    pub session: Vec<&'a Policy>,
    /// SCPs, one list per organization level (root, OUs, account).
    pub scps: Vec<Vec<&'a Policy>>,
    /// RCPs, one list per organization level.
    pub rcps: Vec<Vec<&'a Policy>>,
    /// VPC endpoint policies (empty: not through an endpoint).
    pub endpoint: Vec<&'a Policy>,
}

/// The decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Allowed.
    Allowed,
    /// An applicable Deny statement.
    ExplicitlyDenied,
    /// Nothing allowed it, or a required policy did not.
    ImplicitlyDenied,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Outcome::Allowed => "Allowed",
            Outcome::ExplicitlyDenied => "ExplicitlyDenied",
            Outcome::ImplicitlyDenied => "ImplicitlyDenied",
        })
    }
}

/// Which kind of policy a statement or a block came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PolicyKind {
    /// Service control policy.
    Scp,
    /// Resource control policy.
    Rcp,
    /// Resource-based policy (bucket, key, trust policy, …).
    Resource,
    /// Identity policy.
    Identity,
    /// Permissions boundary.
    Boundary,
    /// Session policy.
    Session,
    /// VPC endpoint policy.
    Endpoint,
    /// A fixed AWS rule (AWS-managed policies, reserved roles and aliases).
    Aws,
}

impl PolicyKind {
    /// Short label (`scp`, `rcp`, `resource`, `identity`, `pb`, `session`, `vpce`, `aws`).
    pub fn label(self) -> &'static str {
        match self {
            PolicyKind::Scp => "scp",
            PolicyKind::Rcp => "rcp",
            PolicyKind::Resource => "resource",
            PolicyKind::Identity => "identity",
            PolicyKind::Boundary => "pb",
            PolicyKind::Session => "session",
            PolicyKind::Endpoint => "vpce",
            PolicyKind::Aws => "aws",
        }
    }
}

/// A statement that took part in the decision.
#[derive(Debug, Clone, Copy)]
pub struct Decider<'a> {
    /// Policy kind.
    pub kind: PolicyKind,
    /// The policy.
    pub policy: &'a Policy,
    /// The statement.
    pub statement: &'a Statement,
}

/// A decision and why.
#[derive(Debug, Clone)]
pub struct Decision<'a> {
    /// The outcome.
    pub outcome: Outcome,
    /// For denials: the policy kinds that denied (explicitly) or did not allow.
    pub blocked_by: Vec<PolicyKind>,
    /// The deciding statements: the Deny statements for an explicit deny,
    /// the Allow statements for an allow.
    pub statements: Vec<Decider<'a>>,
    /// One line of explanation.
    pub reason: &'static str,
}

/// How a resource-policy statement named the principal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Named {
    /// The account (root or id): delegation to identity policies.
    Account,
    /// The role ARN (for a role or one of its sessions).
    Role,
    /// The specific user, session, service, or `*`.
    Exact,
}

struct Prepared<'r> {
    req: &'r Request,
    /// The request resource split into ARN fields, when it is an ARN.
    fields: Option<[&'r str; 6]>,
    /// The resource as a pattern, when the request asks about a set.
    pattern: Option<Vec<PTok>>,
}

fn action_matches(spec: &ActionSpec, action: &str) -> bool {
    match spec {
        ActionSpec::Action(list) => list.iter().any(|p| p.matches(action)),
        ActionSpec::NotAction(list) => !list.iter().any(|p| p.matches(action)),
    }
}

fn resolve<'t>(t: &'t Template, ctx: &Context) -> Option<Cow<'t, [PTok]>> {
    t.resolve(ctx).ok()
}

fn resource_matches(spec: Option<&ResourceSpec>, effect: Effect, pr: &Prepared<'_>) -> bool {
    let Some(spec) = spec else {
        return true;
    };
    let ctx = &pr.req.context;
    let one = |t: &Template, negated: bool| -> bool {
        let Some(pat) = resolve(t, ctx) else {
            return false;
        };
        if pr.req.wildcard_only {
            return glob_match(&pat, b"*", false);
        }
        match &pr.pattern {
            // Allow: some resource of the set; Deny: every resource of the set.
            // Under NotResource the roles swap.
            Some(req) => {
                if (effect == Effect::Allow) != negated {
                    arn::resource_intersects(&pat, req)
                } else {
                    arn::resource_covers(&pat, req)
                }
            }
            None => match (t.arn_fields(), &pr.fields) {
                (Some(pf), Some(rf)) => arn::split_fields_match(pf, rf),
                _ => arn::resource_matches(&pat, &pr.req.resource),
            },
        }
    };
    match spec {
        ResourceSpec::Resource(list) => list.iter().any(|t| one(t, false)),
        ResourceSpec::NotResource(list) => !list.iter().any(|t| one(t, true)),
    }
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// How `p` names the request principal, if it does.
fn named_by(p: &Principals, rp: &RequestPrincipal) -> Option<Named> {
    if p.everyone {
        return Some(Named::Exact);
    }
    let mut best: Option<Named> = None;
    let mut note = |n: Named| {
        if best.is_none_or(|b| n > b) {
            best = Some(n);
        }
    };
    for e in &p.aws {
        let e = e.trim();
        if e == "*" {
            note(Named::Exact);
            continue;
        }
        if !rp.is_iam() {
            continue;
        }
        let acct = rp.account.as_deref().unwrap_or_default();
        if is_account_id(e) {
            if e == acct {
                note(Named::Account);
            }
            continue;
        }
        let Some(f) = arn::split(e) else {
            continue;
        };
        if f[4] != acct {
            continue;
        }
        if f[2] == "iam" && f[5] == "root" {
            note(if rp.kind == PrincipalKind::Root {
                Named::Exact
            } else {
                Named::Account
            });
        } else if e == rp.id {
            note(if rp.kind == PrincipalKind::Role {
                Named::Role
            } else {
                Named::Exact
            });
        } else if let PrincipalKind::AssumedRole { role_name } = &rp.kind {
            if f[2] == "iam"
                && f[5].starts_with("role/")
                && f[5].rsplit('/').next() == Some(role_name.as_str())
            {
                note(Named::Role);
            }
        }
    }
    if rp.kind == PrincipalKind::Service
        && p.service
            .iter()
            .any(|s| s.trim().eq_ignore_ascii_case(&rp.id))
    {
        note(Named::Exact);
    }
    if p.federated.iter().any(|s| s == &rp.id) || p.canonical_user.iter().any(|s| s == &rp.id) {
        note(Named::Exact);
    }
    best
}

/// Whether a statement applies; for principal-bearing policies, how it named
/// the principal.
fn applies(
    st: &Statement,
    pr: &Prepared<'_>,
    principal_required: bool,
    bounded: bool,
) -> Option<Option<Named>> {
    if !action_matches(&st.action, &pr.req.action) {
        return None;
    }
    let named = match &st.principal {
        None if principal_required => return None,
        None => None,
        Some(PrincipalSpec::Principal(p)) => Some(named_by(p, &pr.req.principal)?),
        // A Deny with NotPrincipal in a resource policy always applies to a
        // principal that has a permissions boundary (IAM User Guide,
        // "Permissions boundaries for IAM entities").
        Some(PrincipalSpec::NotPrincipal(_)) if bounded && st.effect == Effect::Deny => {
            Some(Named::Exact)
        }
        Some(PrincipalSpec::NotPrincipal(p)) => match named_by(p, &pr.req.principal) {
            Some(_) => return None,
            None => Some(Named::Exact),
        },
    };
    if !resource_matches(st.resource.as_ref(), st.effect, pr) {
        return None;
    }
    if !st.conditions.iter().all(|c| c.eval(&pr.req.context)) {
        return None;
    }
    Some(named)
}

#[derive(Default)]
struct Verdict<'a> {
    deny: Vec<Decider<'a>>,
    allow: Vec<Decider<'a>>,
    /// The strongest way an Allow named the principal.
    named: Option<Named>,
}

fn judge<'a>(
    kind: PolicyKind,
    policies: &[&'a Policy],
    pr: &Prepared<'_>,
    principal_required: bool,
    bounded: bool,
) -> Verdict<'a> {
    let mut v = Verdict::default();
    for &policy in policies {
        for st in &policy.statements {
            let Some(named) = applies(st, pr, principal_required, bounded) else {
                continue;
            };
            let d = Decider {
                kind,
                policy,
                statement: st,
            };
            match st.effect {
                Effect::Deny => v.deny.push(d),
                Effect::Allow => {
                    v.allow.push(d);
                    let n = named.unwrap_or(Named::Exact);
                    if v.named.is_none_or(|b| n > b) {
                        v.named = Some(n);
                    }
                }
            }
        }
    }
    v
}

/// Services whose resources RCPs govern (AWS Organizations user guide, "Resource control policies").
const RCP_SERVICES: &[&str] = &[
    "s3",
    "sts",
    "kms",
    "sqs",
    "secretsmanager",
    "cognito-identity",
    "logs",
    "dynamodb",
    "ecr",
    "aoss",
];

fn service_of(action: &str) -> &str {
    action.split(':').next().unwrap_or_default()
}

/// Writes AWS refuses whatever the policies say: changes to AWS managed
/// policies, to roles under `/aws-reserved/` (IAM Identity Center), and to
/// AWS managed KMS aliases (`alias/aws/…`).
fn aws_refuses(req: &Request) -> bool {
    let Some(f) = arn::split(&req.resource) else {
        return false;
    };
    let action = req.action.as_str();
    let name = action.split(':').nth(1).unwrap_or_default();
    let read = ["Get", "List", "Generate", "Simulate", "Describe"]
        .iter()
        .any(|p| name.starts_with(p));
    let svc = service_of(action);
    if svc.eq_ignore_ascii_case("iam") && f[2] == "iam" && !read {
        if f[4] == "aws" && f[5].starts_with("policy/") {
            return true;
        }
        if f[5].starts_with("role/aws-reserved/") {
            return true;
        }
    }
    svc.eq_ignore_ascii_case("kms")
        && f[5].starts_with("alias/aws/")
        && ["CreateAlias", "DeleteAlias", "UpdateAlias"]
            .iter()
            .any(|a| name.eq_ignore_ascii_case(a))
}

fn outcome<'a>(
    outcome: Outcome,
    blocked_by: Vec<PolicyKind>,
    statements: Vec<Decider<'a>>,
    reason: &'static str,
) -> Decision<'a> {
    Decision {
        outcome,
        blocked_by,
        statements,
        reason,
    }
}

fn implicit<'a>(kind: PolicyKind, reason: &'static str) -> Decision<'a> {
    outcome(Outcome::ImplicitlyDenied, vec![kind], Vec::new(), reason)
}

/// Decide one request.
pub fn evaluate<'a>(req: &Request, set: &PolicySet<'a>) -> Decision<'a> {
    if req.action.eq_ignore_ascii_case("sts:GetCallerIdentity") {
        return outcome(
            Outcome::Allowed,
            Vec::new(),
            Vec::new(),
            "sts:GetCallerIdentity is always allowed",
        );
    }
    let pattern = if !req.wildcard_only && req.resource.contains(['*', '?']) {
        Template::new(&req.resource, false, true)
            .resolve(&Context::new())
            .ok()
            .map(Cow::into_owned)
    } else {
        None
    };
    let fields = arn::split(&req.resource);
    let pr = Prepared {
        req,
        fields,
        pattern,
    };
    let rp = &req.principal;
    let iam = rp.is_iam();
    let resource_account = req
        .resource_account
        .as_deref()
        .or_else(|| arn::account_of(&req.resource));
    let same_account = match (rp.account.as_deref(), resource_account) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    };
    let scp_applies = iam && !rp.is_service_linked_role();
    let rcp_applies = rp.kind != PrincipalKind::Service
        && RCP_SERVICES
            .iter()
            .any(|s| service_of(&req.action).eq_ignore_ascii_case(s));

    let scps: Vec<Verdict<'a>> = if scp_applies {
        set.scps
            .iter()
            .map(|lvl| judge(PolicyKind::Scp, lvl, &pr, false, false))
            .collect()
    } else {
        Vec::new()
    };
    let rcps: Vec<Verdict<'a>> = if rcp_applies {
        set.rcps
            .iter()
            .map(|lvl| judge(PolicyKind::Rcp, lvl, &pr, false, false))
            .collect()
    } else {
        Vec::new()
    };
    let resource = judge(
        PolicyKind::Resource,
        &set.resource,
        &pr,
        true,
        iam && !set.boundary.is_empty(),
    );
    let empty = Verdict::default();
    let (identity, boundary, session) = if iam {
        (
            judge(PolicyKind::Identity, &set.identity, &pr, false, false),
            judge(PolicyKind::Boundary, &set.boundary, &pr, false, false),
            judge(PolicyKind::Session, &set.session, &pr, false, false),
        )
    } else {
        (Verdict::default(), Verdict::default(), Verdict::default())
    };
    let endpoint = if set.endpoint.is_empty() {
        empty
    } else {
        judge(PolicyKind::Endpoint, &set.endpoint, &pr, false, false)
    };

    // 1. An explicit deny anywhere.
    let mut denies: Vec<Decider<'a>> = Vec::new();
    for v in scps
        .iter()
        .chain(rcps.iter())
        .chain([&resource, &identity, &boundary, &session, &endpoint])
    {
        denies.extend(v.deny.iter().copied());
    }
    if !denies.is_empty() {
        let mut kinds: Vec<PolicyKind> = denies.iter().map(|d| d.kind).collect();
        kinds.sort();
        kinds.dedup();
        return outcome(
            Outcome::ExplicitlyDenied,
            kinds,
            denies,
            "a Deny statement applies",
        );
    }
    if aws_refuses(req) {
        return implicit(
            PolicyKind::Aws,
            "AWS does not allow changes to AWS managed policies, reserved roles or AWS managed aliases",
        );
    }
    // 2–3. RCPs and SCPs: every level must allow.
    if rcps.iter().any(|v| v.allow.is_empty()) {
        return implicit(
            PolicyKind::Rcp,
            "a resource control policy level does not allow the action",
        );
    }
    if scps.iter().any(|v| v.allow.is_empty()) {
        return implicit(
            PolicyKind::Scp,
            "a service control policy level does not allow the action",
        );
    }
    if !set.endpoint.is_empty() && endpoint.allow.is_empty() {
        return implicit(
            PolicyKind::Endpoint,
            "the VPC endpoint policy does not allow the request",
        );
    }
    let mut allows: Vec<Decider<'a>> = Vec::new();
    // Anonymous and service principals: only resource policies can grant.
    // sts:AssumeRole itself needs signed AWS credentials.
    if rp.kind == PrincipalKind::Anonymous && req.action.eq_ignore_ascii_case("sts:AssumeRole") {
        return implicit(
            PolicyKind::Resource,
            "sts:AssumeRole needs signed AWS credentials; anonymous callers cannot call it",
        );
    }
    if !iam {
        return if resource.allow.is_empty() {
            implicit(
                PolicyKind::Resource,
                "no resource-based policy allows this principal",
            )
        } else {
            outcome(
                Outcome::Allowed,
                Vec::new(),
                resource.allow,
                "the resource-based policy allows this principal",
            )
        };
    }
    let trust = req.action.len() >= 14
        && req
            .action
            .get(..14)
            .is_some_and(|a| a.eq_ignore_ascii_case("sts:AssumeRole"))
        && req.resource.contains(":role/");
    let kms_key =
        arn::split(&req.resource).is_some_and(|f| f[2] == "kms" && f[5].starts_with("key/"));
    let root = rp.kind == PrincipalKind::Root;
    let named = resource.named;
    let identity_allows = !identity.allow.is_empty() || root;

    if (trust || kms_key) && named.is_none() {
        return implicit(
            PolicyKind::Resource,
            if trust {
                "the role's trust policy does not allow this principal"
            } else {
                "the key policy does not allow this principal or its account"
            },
        );
    }
    if !same_account {
        // 4. Cross-account: the resource side and the principal side must both allow.
        if named.is_none() {
            return implicit(
                PolicyKind::Resource,
                "cross-account: no resource-based policy allows this principal",
            );
        }
        if !identity_allows {
            return implicit(
                PolicyKind::Identity,
                "cross-account: no identity policy allows the action",
            );
        }
        allows.extend(resource.allow.iter().copied());
    } else {
        // 4. A resource-based policy naming the user or the session (or `*`)
        // grants on its own; only a session policy still limits it.
        if named == Some(Named::Exact) {
            allows.extend(resource.allow.iter().copied());
            if !set.session.is_empty() {
                if session.allow.is_empty() {
                    return implicit(
                        PolicyKind::Session,
                        "the session policy does not allow the action",
                    );
                }
                allows.extend(session.allow.iter().copied());
            }
            return outcome(
                Outcome::Allowed,
                Vec::new(),
                allows,
                "the resource-based policy allows this principal",
            );
        }
        // 5. Identity policies, unless the resource policy named the role.
        let role_named = named == Some(Named::Role);
        if !identity_allows && !role_named {
            return implicit(PolicyKind::Identity, "no identity policy allows the action");
        }
        if role_named {
            allows.extend(resource.allow.iter().copied());
        }
    }
    allows.extend(identity.allow.iter().copied());
    // 6. Permissions boundary.
    if !set.boundary.is_empty() {
        if boundary.allow.is_empty() {
            return implicit(
                PolicyKind::Boundary,
                "the permissions boundary does not allow the action",
            );
        }
        allows.extend(boundary.allow.iter().copied());
    }
    // 7. Session policies.
    if !set.session.is_empty() {
        if session.allow.is_empty() {
            return implicit(
                PolicyKind::Session,
                "the session policy does not allow the action",
            );
        }
        allows.extend(session.allow.iter().copied());
    } else if rp.kind == PrincipalKind::FederatedUser {
        return implicit(
            PolicyKind::Session,
            "a federated-user session without a session policy has no permissions",
        );
    }
    outcome(
        Outcome::Allowed,
        Vec::new(),
        allows,
        if same_account {
            "allowed: a policy grants it and no applicable policy denies or fails to allow it"
        } else {
            "allowed: both the resource policy and the principal's own policies grant it"
        },
    )
}
