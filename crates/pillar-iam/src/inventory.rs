//! The policy sets of the principals and resources in a pillar inventory:
//! users (with their groups), roles (with trust policies), managed and inline
//! policies, permissions boundaries, SCPs and RCPs, resource policies of
//! buckets, keys, secrets, functions, SQS queues and SNS topics, and VPC
//! endpoint policies.

use crate::eval::{evaluate, Decision, PolicySet, PrincipalKind, Request};
use crate::policy::Policy;
use pillar_model::{Inventory, Known, Location, PolicyDocument};
use std::collections::HashMap;

#[derive(Debug, Clone, Default)]
struct Subject {
    identity: Vec<usize>,
    boundary: Option<usize>,
    tags: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
struct ResourcePolicy {
    arn: String,
    /// The id of the resource it came from (its `ResourceRef` id).
    id: String,
    /// The policy also covers `arn/…` (bucket objects).
    prefix: bool,
    account: Option<String>,
    policy: usize,
    /// S3 Block Public Access `RestrictPublicBuckets` is on for the bucket
    /// (on the bucket or on its account) and its policy is public.
    restricted_public: bool,
}

/// A VPC endpoint: its policy applies to requests made through it.
#[derive(Debug, Clone)]
struct Endpoint {
    /// The endpoint policy; `None`: no policy (full access) or not known.
    policy: Option<usize>,
    /// The IAM service prefix the endpoint serves (`s3`, `sqs`…).
    service: String,
    /// The endpoint's service name as AWS gives it.
    service_name: String,
    vpc: Option<String>,
    /// Why the policy is not known, when it is not.
    unknown: Option<String>,
}

/// The IAM service prefix of a VPC endpoint service name
/// (`com.amazonaws.us-east-1.s3` → `s3`, `…ecr.api` → `ecr`), for the
/// services whose endpoint name differs from their prefix.
fn endpoint_service(service_name: &str) -> String {
    let mut parts = service_name.split('.');
    let first = match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(_), Some(_), Some(_region), Some(svc)) => svc,
        _ => service_name,
    };
    match first {
        "monitoring" => "cloudwatch",
        "kinesis-streams" => "kinesis",
        "git-codecommit" => "codecommit",
        "s3-global" => "s3",
        other => other,
    }
    .to_ascii_lowercase()
}

/// Condition keys that pin a `"Principal": "*"` grant to fixed callers, so
/// that S3 does not count the policy as public (S3 User Guide, "Blocking
/// public access to your Amazon S3 storage", "The meaning of public").
const FIXING_KEYS: &[&str] = &[
    "aws:sourceip",
    "aws:sourcearn",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceowner",
    "aws:sourceaccount",
    "aws:userid",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:principalorgid",
    "s3:dataaccesspointarn",
    "s3:dataaccesspointaccount",
];

/// Whether S3 counts a bucket policy as public: an `Allow` to everyone (or
/// with `NotPrincipal`) without a condition that pins a fixing key to
/// values without wildcards.
pub fn s3_policy_is_public(p: &Policy) -> bool {
    use crate::policy::{Effect, PrincipalSpec};
    p.statements.iter().any(|st| {
        let open = match &st.principal {
            Some(PrincipalSpec::Principal(pr)) => pr.everyone || pr.aws.iter().any(|a| a == "*"),
            Some(PrincipalSpec::NotPrincipal(_)) => true,
            None => false,
        };
        let pinned = st.conditions.iter().any(|c| {
            !c.op.negated()
                && c.op != crate::condition::CondOp::Null
                && FIXING_KEYS.contains(&c.key.to_ascii_lowercase().as_str())
                && !c.values.is_empty()
                && c.values.iter().all(|v| {
                    !v.raw.contains(['*', '?']) && !matches!(v.raw.trim(), "0.0.0.0/0" | "::/0")
                })
        });
        st.effect == Effect::Allow && open && !pinned
    })
}

/// Compiled policies of an inventory, ready for many decisions.
#[derive(Debug, Clone, Default)]
pub struct IamModel {
    policies: Vec<Policy>,
    managed: HashMap<String, usize>,
    users: HashMap<String, Subject>,
    roles: HashMap<String, Subject>,
    role_by_name: HashMap<String, String>,
    trust: HashMap<String, usize>,
    resources: Vec<ResourcePolicy>,
    /// Position in `resources` by ARN (the first policy of an ARN).
    resource_index: HashMap<String, usize>,
    /// For a resource of a configuration (whose ARN AWS gives at deploy),
    /// the names its own policy gives it (see `add_aliases`).
    aliases: HashMap<usize, Vec<String>>,
    /// The time requests are asked at (`aws:CurrentTime`,
    /// `aws:EpochTime`): when the inventory was collected, else now.
    pub now: chrono::DateTime<chrono::Utc>,
    /// VPC endpoints by id.
    endpoints: HashMap<String, Endpoint>,
    scp_levels: Vec<(String, Vec<usize>)>,
    rcp_levels: Vec<(String, Vec<usize>)>,
    /// Whether the levels follow the account's place in the organization.
    org_path_known: bool,
    /// The organization's management account, when known: SCPs and RCPs do
    /// not restrict it.
    management_account: Option<String>,
    /// Whether the last policy is the implicit RCPFullAWSAccess.
    implicit_rcp: bool,
    accounts: Vec<String>,
    external: Option<Policy>,
    /// Policies that could not be compiled or are not known, one line each.
    pub problems: Vec<String>,
}

/// The ids of the resources that come from a Terraform or CloudFormation
/// configuration.
fn configured_resources(inv: &Inventory) -> std::collections::HashSet<String> {
    use pillar_model::resources::Resource;
    fn ids<R: Resource>(list: &[R]) -> impl Iterator<Item = String> + '_ {
        list.iter()
            .map(Resource::resource)
            .filter(|r| {
                matches!(
                    r.source,
                    Some(pillar_model::SourceKind::Terraform)
                        | Some(pillar_model::SourceKind::Cloudformation)
                )
            })
            .map(|r| r.id.clone())
    }
    ids(&inv.buckets)
        .chain(ids(&inv.kms_keys))
        .chain(ids(&inv.secrets))
        .chain(ids(&inv.functions))
        .chain(ids(&inv.queues))
        .chain(ids(&inv.topics))
        .collect()
}

fn place(loc: Option<&Location>) -> (Option<String>, Option<u32>) {
    match loc {
        Some(l) => (Some(l.file.clone()), l.line),
        None => (None, None),
    }
}

impl IamModel {
    fn add(&mut self, doc: &PolicyDocument, name: &str, loc: Option<&Location>) -> Option<usize> {
        match Policy::from_serde(&doc.0, name) {
            Ok(mut p) => {
                let (file, line) = place(loc);
                p.file = file;
                p.origin_line = line;
                self.policies.push(p);
                Some(self.policies.len() - 1)
            }
            Err(e) => {
                let (file, line) = place(loc);
                let at = match (file, line) {
                    (Some(f), Some(l)) => format!("{f}:{l}: "),
                    (Some(f), None) => format!("{f}: "),
                    _ => String::new(),
                };
                self.problems.push(format!("{at}{e}"));
                None
            }
        }
    }

    fn add_known(
        &mut self,
        doc: &Known<PolicyDocument>,
        name: &str,
        loc: Option<&Location>,
    ) -> Option<usize> {
        match doc {
            Known::Known(d) => self.add(d, name, loc),
            Known::Unknown(why) => {
                self.problems
                    .push(format!("{name}: policy document not known ({why})"));
                None
            }
        }
    }

    /// Compile every policy of the inventory.
    pub fn build(inv: &Inventory) -> IamModel {
        let mut m = IamModel::default();
        for p in &inv.policies {
            if let Some(i) = m.add_known(&p.document, &p.arn, p.location.as_ref()) {
                m.managed.insert(p.arn.clone(), i);
            }
        }
        let mut groups: HashMap<String, Vec<usize>> = HashMap::new();
        for g in &inv.groups {
            let mut ids = Vec::new();
            for ip in &g.inline_policies {
                let name = format!("{} inline policy {}", g.arn, ip.name);
                ids.extend(m.add(&ip.document, &name, g.location.as_ref()));
            }
            ids.extend(m.attached(&g.attached_policies, &g.arn));
            groups.insert(g.name.clone(), ids.clone());
            groups.insert(g.arn.clone(), ids);
        }
        for u in &inv.users {
            let mut s = Subject::default();
            for ip in &u.inline_policies {
                let name = format!("{} inline policy {}", u.arn, ip.name);
                s.identity
                    .extend(m.add(&ip.document, &name, u.location.as_ref()));
            }
            s.identity.extend(m.attached(&u.attached_policies, &u.arn));
            for g in &u.groups {
                match groups.get(g) {
                    Some(ids) => s.identity.extend(ids.iter().copied()),
                    None => m
                        .problems
                        .push(format!("{}: group {g} not in the inventory", u.arn)),
                }
            }
            s.boundary = m.boundary(u.permissions_boundary.as_deref(), &u.arn);
            s.tags = u.tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            m.users.insert(u.arn.clone(), s);
        }
        for r in &inv.roles {
            let mut s = Subject::default();
            for ip in &r.inline_policies {
                let name = format!("{} inline policy {}", r.arn, ip.name);
                s.identity
                    .extend(m.add(&ip.document, &name, r.location.as_ref()));
            }
            s.identity.extend(m.attached(&r.attached_policies, &r.arn));
            s.boundary = m.boundary(r.permissions_boundary.as_deref(), &r.arn);
            s.tags = r.tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            let trust_name = format!("{} trust policy", r.arn);
            if let Some(t) = m.add_known(&r.assume_role_policy, &trust_name, r.location.as_ref()) {
                m.trust.insert(r.arn.clone(), t);
            }
            m.role_by_name.insert(r.name.clone(), r.arn.clone());
            m.roles.insert(r.arn.clone(), s);
        }
        for b in &inv.buckets {
            let arn = format!("arn:aws:s3:::{}", b.name);
            if let Known::Known(Some(doc)) = &b.policy {
                let name = format!("{arn} bucket policy");
                if let Some(i) = m.add(doc, &name, b.location.as_ref()) {
                    let restrict = |pab: &Known<Option<pillar_model::PublicAccessBlock>>| matches!(pab, Known::Known(Some(x)) if x.restrict_public_buckets);
                    let account_restricts = inv.accounts.iter().any(|a| {
                        let same = match (&a.id, b.resource.account.as_deref()) {
                            (Known::Known(id), Some(owner)) => id == owner,
                            _ => inv.accounts.len() == 1,
                        };
                        same && restrict(&a.s3_public_access_block)
                    });
                    let public = m.policies.get(i).is_some_and(s3_policy_is_public);
                    m.resources.push(ResourcePolicy {
                        arn,
                        id: b.resource.id.clone(),
                        prefix: true,
                        account: b.resource.account.clone(),
                        policy: i,
                        restricted_public: public
                            && (restrict(&b.public_access_block) || account_restricts),
                    });
                }
            }
        }
        for k in &inv.kms_keys {
            let name = format!("{} key policy", k.arn);
            if let Some(i) = m.add_known(&k.policy, &name, k.location.as_ref()) {
                m.resources.push(ResourcePolicy {
                    arn: k.arn.clone(),
                    id: k.resource.id.clone(),
                    prefix: false,
                    account: k.resource.account.clone(),
                    policy: i,
                    restricted_public: false,
                });
            }
        }
        for s in &inv.secrets {
            if let Known::Known(Some(doc)) = &s.policy {
                let name = format!("{} resource policy", s.arn);
                let loc = s.policy_location.as_ref().or(s.location.as_ref());
                if let Some(i) = m.add(doc, &name, loc) {
                    m.resources.push(ResourcePolicy {
                        arn: s.arn.clone(),
                        id: s.resource.id.clone(),
                        prefix: false,
                        account: s.resource.account.clone(),
                        policy: i,
                        restricted_public: false,
                    });
                }
            }
        }
        for f in &inv.functions {
            if let Known::Known(Some(doc)) = &f.policy {
                let name = format!("{} resource policy", f.arn);
                if let Some(i) = m.add(doc, &name, f.location.as_ref()) {
                    m.resources.push(ResourcePolicy {
                        arn: f.arn.clone(),
                        id: f.resource.id.clone(),
                        prefix: false,
                        account: f.resource.account.clone(),
                        policy: i,
                        restricted_public: false,
                    });
                }
            }
        }
        for q in &inv.queues {
            m.add_resource_policy(
                &q.policy,
                &q.arn,
                &q.resource.id,
                "queue policy",
                q.resource.account.as_ref(),
                q.policy_location.as_ref().or(q.location.as_ref()),
            );
        }
        for t in &inv.topics {
            m.add_resource_policy(
                &t.policy,
                &t.arn,
                &t.resource.id,
                "topic policy",
                t.resource.account.as_ref(),
                t.policy_location.as_ref().or(t.location.as_ref()),
            );
        }
        for e in &inv.vpc_endpoints {
            let name = format!("{} endpoint policy", e.id);
            let (policy, unknown) = match &e.policy {
                Known::Known(Some(doc)) => (m.add(doc, &name, e.location.as_ref()), None),
                Known::Known(None) => (None, None),
                Known::Unknown(why) => (None, Some(why.clone())),
            };
            m.endpoints.insert(
                e.id.clone(),
                Endpoint {
                    policy,
                    service: endpoint_service(&e.service_name),
                    service_name: e.service_name.clone(),
                    vpc: e.vpc_id.clone(),
                    unknown,
                },
            );
        }
        let path: Vec<String> = inv
            .accounts
            .iter()
            .find(|a| !a.org_path.is_empty())
            .map(|a| a.org_path.clone())
            .unwrap_or_default();
        m.scp_levels = m.org_levels(&inv.scps, "SCP", &path);
        m.rcp_levels = m.org_levels(&inv.rcps, "RCP", &path);
        m.org_path_known = !path.is_empty();
        m.management_account = inv
            .accounts
            .iter()
            .find_map(|a| a.management_account_id.clone());
        if !m.rcp_levels.is_empty() {
            // AWS attaches RCPFullAWSAccess to the root, every OU and every
            // account, and it cannot be detached: every level allows
            // everything unless one of its RCPs denies.
            m.policies.push(Policy::allow_all(
                "RCPFullAWSAccess (attached by AWS to every level)",
            ));
            let full = m.policies.len() - 1;
            m.implicit_rcp = true;
            for (_, ids) in &mut m.rcp_levels {
                ids.push(full);
            }
        }
        for (i, r) in m.resources.iter().enumerate() {
            m.resource_index.entry(r.arn.clone()).or_insert(i);
        }
        m.add_aliases(&configured_resources(inv));
        m.now = inv.now();
        let mut accounts: Vec<String> = m
            .users
            .keys()
            .chain(m.roles.keys())
            .filter_map(|a| crate::arn::account_of(a).map(str::to_owned))
            .collect();
        accounts.sort();
        accounts.dedup();
        m.accounts = accounts;
        m.external = Some(Policy::allow_all(
            "(assumed) the external account's own policies allow everything",
        ));
        m
    }

    /// Organization policies grouped by target (root, OU or account). With
    /// the account's place in the organization (`path`: account, OUs,
    /// root), the levels are the root, each OU and the account, in that
    /// order, and policies attached elsewhere do not apply; without it,
    /// each target is taken as one level.
    fn org_levels(
        &mut self,
        list: &[pillar_model::Scp],
        label: &str,
        path: &[String],
    ) -> Vec<(String, Vec<usize>)> {
        let mut levels: Vec<(String, Vec<usize>)> = Vec::new();
        for scp in list {
            let name = format!("{label} {}", scp.name);
            let Some(i) = self.add_known(&scp.document, &name, scp.location.as_ref()) else {
                continue;
            };
            for t in &scp.targets {
                match levels.iter_mut().find(|(n, _)| n == t) {
                    Some((_, ids)) => ids.push(i),
                    None => levels.push((t.clone(), vec![i])),
                }
            }
        }
        if path.is_empty() {
            return levels;
        }
        path.iter()
            .rev()
            .filter_map(|id| levels.iter().find(|(t, _)| t == id).cloned())
            .collect()
    }

    /// In a Terraform or CloudFormation configuration a resource's ARN is
    /// AWS's to give at deploy (the model knows it by its address or name),
    /// and its policy names it by ARN, by reference or by address. AWS
    /// refuses a resource policy whose `Resource` is another resource, so
    /// each value in its statements' `Resource` stands for it too
    /// (wildcards filled; for a bucket, the part before the object key).
    fn add_aliases(&mut self, configured: &std::collections::HashSet<String>) {
        for (i, r) in self.resources.iter().enumerate() {
            if !configured.contains(&r.id) {
                continue;
            }
            let Some(p) = self.policies.get(r.policy) else {
                continue;
            };
            let mut names: Vec<String> = Vec::new();
            for st in &p.statements {
                let Some(crate::policy::ResourceSpec::Resource(list)) = &st.resource else {
                    continue;
                };
                for t in list {
                    if t.is_star() || t.has_vars() {
                        continue;
                    }
                    let mut name = t.raw.as_str();
                    if r.prefix {
                        // `arn:aws:s3:::b/*`, `aws_s3_bucket.b/*`: the bucket.
                        let after = if name.starts_with("arn:") {
                            name.match_indices(':').nth(4).map_or(0, |(i, _)| i)
                        } else {
                            0
                        };
                        if let Some(slash) = name.get(after..).and_then(|x| x.find('/')) {
                            name = name.get(..after + slash).unwrap_or(name);
                        }
                    }
                    let alias = name.replace(['*', '?'], "x");
                    if alias != r.arn && !alias.is_empty() && !names.contains(&alias) {
                        names.push(alias);
                    }
                }
            }
            for a in &names {
                self.resource_index.entry(a.clone()).or_insert(i);
            }
            if !names.is_empty() {
                self.aliases.insert(i, names);
            }
        }
    }

    /// The inventory's account, when it has exactly one.
    pub(crate) fn sole_account(&self) -> Option<&str> {
        match self.accounts.as_slice() {
            [one] => Some(one),
            _ => None,
        }
    }

    /// The names a configuration's resource is known by besides its own
    /// (the `Resource` values of its policy); empty for collected ones.
    pub fn aliases(&self, resource: &str) -> &[String] {
        self.policy_entry(resource, None)
            .map_or(&[], |i| self.entry_aliases(i))
    }

    /// The aliases of entry `i` of the model's resource policies.
    pub(crate) fn entry_aliases(&self, i: usize) -> &[String] {
        self.aliases.get(&i).map_or(&[], Vec::as_slice)
    }

    /// Whether entry `i` covers its children (a bucket's objects).
    pub(crate) fn entry_covers_children(&self, i: usize) -> bool {
        self.resources.get(i).is_some_and(|r| r.prefix)
    }

    /// The compiled policy of entry `i`.
    pub(crate) fn entry_policy(&self, i: usize) -> Option<&Policy> {
        self.resources
            .get(i)
            .and_then(|r| self.policies.get(r.policy))
    }

    /// The model's entry for the resource policy of `resource`: the one
    /// that came from the resource with id `id` when given and found (a
    /// snapshot's bucket and a configuration's share an ARN), else the one
    /// found by ARN (or a parent ARN whose policy covers its children).
    pub fn policy_entry(&self, resource: &str, id: Option<&str>) -> Option<usize> {
        if let Some(id) = id {
            if let Some(i) = self
                .resources
                .iter()
                .position(|r| r.id == id && r.arn == resource)
            {
                return Some(i);
            }
        }
        if let Some(i) = self.resource_index.get(resource) {
            return Some(*i);
        }
        resource
            .match_indices('/')
            .filter_map(|(i, _)| resource.get(..i))
            .filter_map(|parent| self.resource_index.get(parent))
            .find(|i| self.resources.get(**i).is_some_and(|r| r.prefix))
            .copied()
    }

    /// Add the resource policy of a queue or topic, when it has one; a
    /// policy that is not known is a problem.
    fn add_resource_policy(
        &mut self,
        policy: &Known<Option<PolicyDocument>>,
        arn: &str,
        id: &str,
        what: &str,
        account: Option<&String>,
        loc: Option<&Location>,
    ) {
        let name = format!("{arn} {what}");
        let doc = match policy {
            Known::Known(Some(doc)) => doc,
            Known::Known(None) => return,
            Known::Unknown(why) => {
                self.problems
                    .push(format!("{name}: policy document not known ({why})"));
                return;
            }
        };
        if let Some(i) = self.add(doc, &name, loc) {
            self.resources.push(ResourcePolicy {
                arn: arn.to_owned(),
                id: id.to_owned(),
                prefix: false,
                account: account.cloned(),
                policy: i,
                restricted_public: false,
            });
        }
    }

    fn attached(&mut self, arns: &[String], owner: &str) -> Vec<usize> {
        let mut out = Vec::new();
        for a in arns {
            match self.managed.get(a) {
                Some(i) => out.push(*i),
                None => self
                    .problems
                    .push(format!("{owner}: attached policy {a} not in the inventory")),
            }
        }
        out
    }

    fn boundary(&mut self, arn: Option<&str>, owner: &str) -> Option<usize> {
        let a = arn?;
        let found = self.managed.get(a).copied();
        if found.is_none() {
            self.problems.push(format!(
                "{owner}: permissions boundary {a} not in the inventory"
            ));
        }
        found
    }

    fn subject(&self, principal: &str) -> Option<&Subject> {
        self.users
            .get(principal)
            .or_else(|| self.roles.get(principal))
    }

    /// The identity policies of a user (its groups' included) or role.
    pub fn identity_policies(&self, principal: &str) -> Vec<&Policy> {
        self.subject(principal)
            .map(|s| {
                s.identity
                    .iter()
                    .filter_map(|i| self.policies.get(*i))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Whether any identity policy of `principal` has an Allow statement
    /// whose `Action`/`NotAction` covers `action`, whatever its resource and
    /// conditions: a cheap necessary condition for an identity-based allow.
    pub fn identity_may_allow(&self, principal: &str, action: &str) -> bool {
        use crate::policy::{ActionSpec, Effect};
        self.identity_policies(principal).iter().any(|p| {
            p.statements.iter().any(|st| {
                st.effect == Effect::Allow
                    && match &st.action {
                        ActionSpec::Action(a) => a.iter().any(|x| x.matches(action)),
                        ActionSpec::NotAction(a) => !a.iter().any(|x| x.matches(action)),
                    }
            })
        })
    }

    /// The trust policy of a role.
    pub fn trust_policy(&self, role: &str) -> Option<&Policy> {
        self.trust.get(role).and_then(|i| self.policies.get(*i))
    }

    /// Decide `action` on `resource` for a principal of the inventory, with
    /// the principal's global context keys and `extra` context.
    pub fn allows(
        &self,
        principal: &str,
        action: &str,
        resource: &str,
        extra: &[(&str, &str)],
    ) -> bool {
        self.decide(principal, action, resource, extra).0 == crate::eval::Outcome::Allowed
    }

    /// As [`IamModel::allows`], with the outcome and, for a denial, the
    /// kinds of policy that denied or did not allow.
    pub fn decide(
        &self,
        principal: &str,
        action: &str,
        resource: &str,
        extra: &[(&str, &str)],
    ) -> (crate::eval::Outcome, Vec<crate::eval::PolicyKind>) {
        let mut req = Request::new(principal, action, resource);
        req.resource_account = self.resource_account(resource);
        for (k, v) in extra {
            req.context
                .insert(k, crate::pattern::CtxValue::One((*v).to_owned()));
        }
        self.fill_principal_context(&mut req);
        let d = self.simulate(&req).0;
        (d.outcome, d.blocked_by)
    }

    /// Every compiled policy of the inventory (managed, inline, trust,
    /// resource, SCP, RCP); AWS's implicit RCPFullAWSAccess is not one.
    pub fn policies(&self) -> &[Policy] {
        let n = self
            .policies
            .len()
            .saturating_sub(usize::from(self.implicit_rcp));
        self.policies.get(..n).unwrap_or_default()
    }

    /// Whether a policy of [`IamModel::policies`] only limits requests and
    /// grants nothing: VPC endpoint policies (a `"Principal": "*"` or
    /// `"Action": "*"` there opens nothing by itself).
    pub fn grants_nothing(&self, p: &Policy) -> bool {
        self.endpoints
            .values()
            .filter_map(|e| e.policy)
            .filter_map(|i| self.policies.get(i))
            .any(|q| std::ptr::eq(q, p))
    }

    /// The principal ARNs known: users and roles.
    pub fn principals(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self
            .users
            .keys()
            .chain(self.roles.keys())
            .map(String::as_str)
            .collect();
        v.sort_unstable();
        v
    }

    /// The account of a resource, from its ARN or from the inventory.
    pub fn resource_account(&self, resource: &str) -> Option<String> {
        if let Some(a) = crate::arn::account_of(resource) {
            return Some(a.to_owned());
        }
        self.resource_policy_for(resource)
            .and_then(|r| r.account.clone())
    }

    /// The resource policy (bucket, key, secret, function, queue, topic)
    /// that covers `resource`, when the inventory has one that compiled.
    pub fn resource_policy(&self, resource: &str) -> Option<&Policy> {
        self.resource_policy_for(resource)
            .and_then(|r| self.policies.get(r.policy))
    }

    fn resource_policy_for(&self, resource: &str) -> Option<&ResourcePolicy> {
        if let Some(r) = self
            .resource_index
            .get(resource)
            .and_then(|i| self.resources.get(*i))
        {
            return Some(r);
        }
        // `arn/…` is covered by a policy of `arn` that covers its children
        // (bucket objects): try every `/` from the left.
        resource
            .match_indices('/')
            .filter_map(|(i, _)| resource.get(..i))
            .filter_map(|parent| self.resource_index.get(parent))
            .filter_map(|i| self.resources.get(*i))
            .find(|r| r.prefix)
    }

    /// Accounts outside the inventory that the resource's policies (trust
    /// policy, bucket or key policy) name as principals, in order.
    pub fn external_accounts_named(&self, resource: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let policies = self
            .trust
            .get(resource)
            .into_iter()
            .copied()
            .chain(self.resource_policy_for(resource).map(|r| r.policy))
            .filter_map(|i| self.policies.get(i));
        for p in policies {
            for st in &p.statements {
                let Some(crate::policy::PrincipalSpec::Principal(pr)) = &st.principal else {
                    continue;
                };
                for e in &pr.aws {
                    let acct = if e.len() == 12 && e.bytes().all(|b| b.is_ascii_digit()) {
                        Some(e.as_str())
                    } else {
                        crate::arn::account_of(e)
                    };
                    if let Some(a) = acct {
                        if !self.accounts.iter().any(|k| k == a) && !out.iter().any(|k| k == a) {
                            out.push(a.to_owned());
                        }
                    }
                }
            }
        }
        out
    }

    /// The VPC endpoint a request goes through: the one its `aws:SourceVpce`
    /// context key names, when the inventory has it.
    fn endpoint_of(&self, ctx: &crate::pattern::Context) -> Option<&Endpoint> {
        match ctx.get("aws:sourcevpce")? {
            crate::pattern::CtxValue::One(id) => self.endpoints.get(id.trim()),
            crate::pattern::CtxValue::Many(_) => None,
        }
    }

    /// Add the global keys AWS sets for every IAM principal, unless given:
    /// `aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:PrincipalType`,
    /// `aws:username` (users) and `aws:PrincipalTag/…` from the inventory.
    pub fn fill_principal_context(&self, req: &mut Request) {
        use crate::pattern::CtxValue;
        let rp = req.principal.clone();
        let (arn, kind, subject) = match &rp.kind {
            PrincipalKind::User => (Some(rp.id.clone()), "User", self.users.get(&rp.id)),
            PrincipalKind::Role => (Some(rp.id.clone()), "AssumedRole", self.roles.get(&rp.id)),
            PrincipalKind::AssumedRole { role_name } => {
                let role = self.role_by_name.get(role_name);
                (
                    role.cloned(),
                    "AssumedRole",
                    role.and_then(|a| self.roles.get(a)),
                )
            }
            PrincipalKind::FederatedUser => (Some(rp.id.clone()), "FederatedUser", None),
            PrincipalKind::Root => (Some(rp.id.clone()), "Account", None),
            _ => return,
        };
        let ctx = &mut req.context;
        if let Some(vpc) = self.endpoint_of(ctx).and_then(|e| e.vpc.clone()) {
            ctx.insert_default("aws:SourceVpc", CtxValue::One(vpc));
        }
        if let Some(a) = arn {
            ctx.insert_default("aws:PrincipalArn", CtxValue::One(a));
        }
        if let Some(acct) = &rp.account {
            ctx.insert_default("aws:PrincipalAccount", CtxValue::One(acct.clone()));
        }
        ctx.insert_default("aws:PrincipalType", CtxValue::One(kind.to_owned()));
        if rp.kind == PrincipalKind::User {
            if let Some(name) = rp.id.rsplit('/').next() {
                ctx.insert_default("aws:username", CtxValue::One(name.to_owned()));
            }
        }
        if let Some(s) = subject {
            for (k, v) in &s.tags {
                ctx.insert_default(&format!("aws:PrincipalTag/{k}"), CtxValue::One(v.clone()));
            }
        }
    }

    /// A request made through a VPC endpoint of the inventory (named by
    /// `aws:SourceVpce`) is also bound by the endpoint's policy, when the
    /// endpoint serves the action's service (IAM User Guide, "Policy
    /// evaluation logic"; AWS PrivateLink Guide, "Control access to VPC
    /// endpoints using endpoint policies").
    fn endpoint_policy<'a>(
        &'a self,
        req: &Request,
        set: &mut PolicySet<'a>,
        notes: &mut Vec<String>,
    ) {
        let Some(id) = req.context.get("aws:sourcevpce") else {
            return;
        };
        let Some(e) = self.endpoint_of(&req.context) else {
            if let crate::pattern::CtxValue::One(id) = id {
                if !self.endpoints.is_empty() {
                    notes.push(format!(
                        "VPC endpoint {id} is not in the inventory: no endpoint policy applied"
                    ));
                }
            }
            return;
        };
        let service = req.action.split(':').next().unwrap_or_default();
        if !service.eq_ignore_ascii_case(&e.service) {
            notes.push(format!(
                "the VPC endpoint serves {} ({}), not {service}: its policy does not apply to this action",
                e.service, e.service_name
            ));
            return;
        }
        match (e.policy.and_then(|i| self.policies.get(i)), &e.unknown) {
            (Some(p), _) => {
                set.endpoint.push(p);
                notes.push(format!(
                    "the request goes through VPC endpoint {}: its policy applies",
                    p.name.trim_end_matches(" endpoint policy")
                ));
            }
            (None, Some(why)) => notes.push(format!(
                "the endpoint policy is not known ({why}): taken as allowing everything"
            )),
            (None, None) => {
                notes.push("the VPC endpoint has no policy: full access through it".to_owned())
            }
        }
    }

    /// Decide a request against the inventory's policies. The second value
    /// lists assumptions the answer rests on.
    pub fn simulate<'a>(&'a self, req: &Request) -> (Decision<'a>, Vec<String>) {
        self.simulate_with(req, None)
    }

    /// [`IamModel::simulate`] with the resource policy of entry `entry` of
    /// the model (see [`IamModel::policy_entry`]) instead of the one found
    /// by the request's resource: several resources may share an ARN (a
    /// bucket read from a snapshot and declared in Terraform).
    pub(crate) fn simulate_with<'a>(
        &'a self,
        req: &Request,
        entry: Option<usize>,
    ) -> (Decision<'a>, Vec<String>) {
        let own_policy = || match entry {
            Some(i) => self.resources.get(i),
            None => self.resource_policy_for(&req.resource),
        };
        let mut notes = Vec::new();
        let mut set = PolicySet::default();
        let subject = match &req.principal.kind {
            PrincipalKind::User => self.users.get(&req.principal.id),
            PrincipalKind::Role => self.roles.get(&req.principal.id),
            PrincipalKind::AssumedRole { role_name } => self
                .role_by_name
                .get(role_name)
                .and_then(|arn| self.roles.get(arn)),
            _ => None,
        };
        match subject {
            Some(s) => {
                set.identity = s
                    .identity
                    .iter()
                    .filter_map(|i| self.policies.get(*i))
                    .collect();
                set.boundary = s
                    .boundary
                    .iter()
                    .filter_map(|i| self.policies.get(*i))
                    .collect();
            }
            None if matches!(
                req.principal.kind,
                PrincipalKind::User
                    | PrincipalKind::Role
                    | PrincipalKind::AssumedRole { .. }
                    | PrincipalKind::Root
            ) =>
            {
                let external = req
                    .principal
                    .account
                    .as_ref()
                    .is_some_and(|a| !self.accounts.contains(a));
                if external {
                    // Another account controls its own principals' policies:
                    // assume the worst, that they allow everything.
                    set.identity.extend(self.external.as_ref());
                    notes.push(format!(
                        "principal {} belongs to an account outside the inventory: its own policies are assumed to allow everything",
                        req.principal.id
                    ));
                } else if req.principal.kind != PrincipalKind::Root {
                    notes.push(format!(
                        "principal {} is not in the inventory: no identity policies",
                        req.principal.id
                    ));
                }
            }
            None => {}
        }
        if let Some(t) = self.trust.get(&req.resource) {
            set.resource.extend(self.policies.get(*t));
        }
        if let Some(r) = own_policy() {
            set.resource.extend(self.policies.get(r.policy));
        }
        // SCPs and RCPs do not restrict the organization's management
        // account (AWS Organizations User Guide, "Service control policies
        // (SCPs)" and "Resource control policies (RCPs)").
        let management = self.management_account.as_deref();
        let principal_is_management =
            management.is_some() && req.principal.account.as_deref() == management;
        let resource_account = req
            .resource_account
            .as_deref()
            .or_else(|| crate::arn::account_of(&req.resource));
        // A resource whose account is not known is taken to be of the
        // inventory's account (as for RCPs below), when there is just one.
        let resource_is_management = management.is_some()
            && match resource_account {
                Some(a) => Some(a) == management,
                None => {
                    self.accounts.len() == 1
                        && self.accounts.first().map(String::as_str) == management
                }
            };
        if principal_is_management && !self.scp_levels.is_empty() {
            notes.push(format!(
                "SCPs do not apply: {} is the organization's management account",
                management.unwrap_or_default()
            ));
        }
        if resource_is_management && !self.rcp_levels.is_empty() {
            notes.push(format!(
                "RCPs do not apply: the resource belongs to the organization's management account {}",
                management.unwrap_or_default()
            ));
        }
        if !self.scp_levels.is_empty() && !principal_is_management {
            notes.push(
                if self.org_path_known {
                    "SCPs: the levels are the organization root, the account's OUs and the account".to_owned()
                } else {
                    "SCPs: each SCP target is taken as one organization level that applies to the principal's account (the account's place in the organization was not collected)".to_owned()
                },
            );
            set.scps = self
                .scp_levels
                .iter()
                .map(|(_, ids)| ids.iter().filter_map(|i| self.policies.get(*i)).collect())
                .collect();
        }
        let resource_inside = req
            .resource_account
            .as_ref()
            .is_none_or(|a| self.accounts.contains(a));
        if !self.rcp_levels.is_empty() && resource_inside && !resource_is_management {
            notes.push(
                "RCPs: each RCP target is taken as one organization level that applies to the resource's account"
                    .to_owned(),
            );
            set.rcps = self
                .rcp_levels
                .iter()
                .map(|(_, ids)| ids.iter().filter_map(|i| self.policies.get(*i)).collect())
                .collect();
        }
        self.endpoint_policy(req, &mut set, &mut notes);
        let mut d = evaluate(req, &set);
        if d.outcome == crate::eval::Outcome::Allowed {
            if let Some(r) = own_policy().filter(|r| r.restricted_public) {
                // RestrictPublicBuckets: a bucket with a public policy serves
                // only AWS services and the bucket owner's account.
                let outsider = match req.principal.kind {
                    PrincipalKind::Service => false,
                    PrincipalKind::Anonymous => true,
                    _ => match (&r.account, &req.principal.account) {
                        (Some(owner), Some(caller)) => owner != caller,
                        (None, Some(caller)) => !self.accounts.contains(caller),
                        (_, None) => true,
                    },
                };
                if outsider {
                    notes.push(format!(
                        "{} has a public bucket policy and S3 Block Public Access RestrictPublicBuckets: only AWS services and principals of the bucket owner's account get in",
                        r.arn
                    ));
                    d.outcome = crate::eval::Outcome::ImplicitlyDenied;
                    d.blocked_by = vec![crate::eval::PolicyKind::Aws];
                    d.statements.clear();
                    d.reason = "S3 Block Public Access (RestrictPublicBuckets) blocks access through a public bucket policy from outside the bucket owner's account";
                }
            }
        }
        (d, notes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::Outcome;
    use pillar_model::{IamUser, InlinePolicy};

    #[test]
    fn principal_keys_come_from_the_inventory() {
        let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",
            "Resource":"arn:aws:s3:::home/${aws:username}/*",
            "Condition":{"StringEquals":{"aws:PrincipalTag/team":"blue"}}}]}"#;
        let mut inv = Inventory::default();
        inv.users.push(IamUser {
            name: "ann".into(),
            arn: "arn:aws:iam::111122223333:user/ann".into(),
            inline_policies: vec![InlinePolicy {
                name: "home".into(),
                document: PolicyDocument(serde_json::from_str(doc).unwrap()),
            }],
            tags: [("team".to_owned(), "blue".to_owned())]
                .into_iter()
                .collect(),
            ..IamUser::default()
        });
        let m = IamModel::build(&inv);
        assert!(m.problems.is_empty(), "{:?}", m.problems);
        let mut own = Request::new(
            "arn:aws:iam::111122223333:user/ann",
            "s3:GetObject",
            "arn:aws:s3:::home/ann/x",
        );
        m.fill_principal_context(&mut own);
        assert_eq!(m.simulate(&own).0.outcome, Outcome::Allowed);
        let mut other = Request::new(
            "arn:aws:iam::111122223333:user/ann",
            "s3:GetObject",
            "arn:aws:s3:::home/bob/x",
        );
        m.fill_principal_context(&mut other);
        assert_eq!(m.simulate(&other).0.outcome, Outcome::ImplicitlyDenied);
    }

    fn bucket_inventory(policy: &str, bucket_bpa: bool, account_bpa: bool) -> Inventory {
        let bpa = |on: bool| {
            Known::Known(on.then(|| pillar_model::PublicAccessBlock {
                restrict_public_buckets: true,
                ..Default::default()
            }))
        };
        let mut inv = Inventory::default();
        let mut b = pillar_model::Bucket {
            name: "reports".into(),
            policy: Known::Known(Some(PolicyDocument(serde_json::from_str(policy).unwrap()))),
            public_access_block: bpa(bucket_bpa),
            ..Default::default()
        };
        b.resource.account = Some("111122223333".into());
        inv.buckets.push(b);
        inv.accounts.push(pillar_model::Account {
            id: Known::Known("111122223333".into()),
            s3_public_access_block: bpa(account_bpa),
            ..Default::default()
        });
        inv.users.push(IamUser {
            name: "ann".into(),
            arn: "arn:aws:iam::111122223333:user/ann".into(),
            ..IamUser::default()
        });
        inv
    }

    fn outcome(inv: &Inventory, principal: &str) -> Outcome {
        let m = IamModel::build(inv);
        let mut req = Request::new(principal, "s3:GetObject", "arn:aws:s3:::reports/q3.csv");
        if principal.is_empty() {
            req.principal = crate::eval::RequestPrincipal::anonymous();
        }
        req.resource_account = m.resource_account("arn:aws:s3:::reports/q3.csv");
        m.fill_principal_context(&mut req);
        m.simulate(&req).0.outcome
    }

    #[test]
    fn block_public_access_restricts_public_bucket_policies() {
        let public = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}]}"#;
        let outsider = "arn:aws:iam::444455556666:role/any";
        let ann = "arn:aws:iam::111122223333:user/ann";
        // Without Block Public Access: anyone reads.
        let open = bucket_inventory(public, false, false);
        assert_eq!(outcome(&open, ""), Outcome::Allowed);
        assert_eq!(outcome(&open, outsider), Outcome::Allowed);
        // RestrictPublicBuckets on the bucket or on the account: only the
        // owner's account gets in through the public policy.
        for (bucket, account) in [(true, false), (false, true)] {
            let inv = bucket_inventory(public, bucket, account);
            assert_eq!(outcome(&inv, ""), Outcome::ImplicitlyDenied);
            assert_eq!(outcome(&inv, outsider), Outcome::ImplicitlyDenied);
            assert_eq!(outcome(&inv, ann), Outcome::Allowed);
        }
        // A policy pinned to one VPC endpoint is not public: not restricted.
        let pinned = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*","Condition":{"StringEquals":{"aws:SourceAccount":"444455556666"}}}]}"#;
        let inv = bucket_inventory(pinned, true, false);
        let m = IamModel::build(&inv);
        let mut req = Request::new(outsider, "s3:GetObject", "arn:aws:s3:::reports/q3.csv");
        req.resource_account = m.resource_account("arn:aws:s3:::reports/q3.csv");
        req.context.insert(
            "aws:SourceAccount",
            crate::CtxValue::One("444455556666".into()),
        );
        m.fill_principal_context(&mut req);
        assert_eq!(m.simulate(&req).0.outcome, Outcome::Allowed);
        assert!(!s3_policy_is_public(&Policy::parse(pinned, None).unwrap()));
        assert!(s3_policy_is_public(&Policy::parse(public, None).unwrap()));
    }

    fn queue_inventory(policy: &str) -> Inventory {
        let mut inv = Inventory::default();
        let mut q = pillar_model::Queue {
            name: "orders".into(),
            arn: "arn:aws:sqs:us-east-1:111122223333:orders".into(),
            policy: Known::Known(Some(PolicyDocument(serde_json::from_str(policy).unwrap()))),
            ..Default::default()
        };
        q.resource.account = Some("111122223333".into());
        inv.queues.push(q);
        inv.users.push(IamUser {
            name: "ann".into(),
            arn: "arn:aws:iam::111122223333:user/ann".into(),
            ..IamUser::default()
        });
        inv
    }

    fn outcome_on(
        inv: &Inventory,
        principal: &str,
        action: &str,
        resource: &str,
        ctx: &[(&str, &str)],
    ) -> (Outcome, Vec<crate::eval::PolicyKind>, Vec<String>) {
        let m = IamModel::build(inv);
        assert!(m.problems.is_empty(), "{:?}", m.problems);
        let mut req = Request::new(principal, action, resource);
        if principal.is_empty() {
            req.principal = crate::eval::RequestPrincipal::anonymous();
        }
        req.resource_account = m.resource_account(resource);
        for (k, v) in ctx {
            req.context.insert(k, crate::CtxValue::One((*v).to_owned()));
        }
        m.fill_principal_context(&mut req);
        let (d, notes) = m.simulate(&req);
        (d.outcome, d.blocked_by, notes)
    }

    #[test]
    fn queue_and_topic_policies_grant_to_anyone_and_to_other_accounts() {
        let queue = "arn:aws:sqs:us-east-1:111122223333:orders";
        let public = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:111122223333:orders"}]}"#;
        let inv = queue_inventory(public);
        let send = |who: &str| outcome_on(&inv, who, "sqs:SendMessage", queue, &[]).0;
        assert_eq!(send(""), Outcome::Allowed);
        assert_eq!(send("arn:aws:iam::444455556666:role/any"), Outcome::Allowed);
        assert_eq!(send("arn:aws:iam::111122223333:user/ann"), Outcome::Allowed);
        assert_eq!(
            outcome_on(&inv, "", "sqs:ReceiveMessage", queue, &[]).0,
            Outcome::ImplicitlyDenied
        );
        // One other account, by its root: only that account's principals
        // (whose own policies must allow too), never anonymous callers.
        let partner = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sqs:*","Resource":"*"}]}"#;
        let inv = queue_inventory(partner);
        let recv = |who: &str| outcome_on(&inv, who, "sqs:ReceiveMessage", queue, &[]).0;
        assert_eq!(recv("arn:aws:iam::444455556666:role/any"), Outcome::Allowed);
        assert_eq!(
            recv("arn:aws:iam::777788889999:role/any"),
            Outcome::ImplicitlyDenied
        );
        assert_eq!(recv(""), Outcome::ImplicitlyDenied);
        // Same account: the queue policy names another account only, and
        // ann's identity policies grant nothing.
        assert_eq!(
            recv("arn:aws:iam::111122223333:user/ann"),
            Outcome::ImplicitlyDenied
        );
        // A topic works the same way; a Deny in its policy wins.
        let mut inv = Inventory::default();
        inv.topics.push(pillar_model::Topic {
            name: "alerts".into(),
            arn: "arn:aws:sns:us-east-1:111122223333:alerts".into(),
            policy: Known::Known(Some(PolicyDocument(serde_json::json!({"Version":"2012-10-17","Statement":[
                {"Effect":"Allow","Principal":{"AWS":"*"},"Action":["sns:Publish","sns:Subscribe"],"Resource":"*"},
                {"Effect":"Deny","Principal":"*","Action":"sns:Subscribe","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalAccount":"111122223333"}}}
            ]})))),
            ..Default::default()
        });
        let topic = "arn:aws:sns:us-east-1:111122223333:alerts";
        let other = "arn:aws:iam::444455556666:user/x";
        assert_eq!(
            outcome_on(&inv, other, "sns:Publish", topic, &[]).0,
            Outcome::Allowed
        );
        assert_eq!(
            outcome_on(&inv, other, "sns:Subscribe", topic, &[]).0,
            Outcome::ExplicitlyDenied
        );
    }

    #[test]
    fn endpoint_policy_binds_requests_through_the_endpoint() {
        let mut inv = Inventory::default();
        inv.users.push(IamUser {
            name: "ann".into(),
            arn: "arn:aws:iam::111122223333:user/ann".into(),
            inline_policies: vec![InlinePolicy {
                name: "s3".into(),
                document: PolicyDocument(serde_json::json!({"Version":"2012-10-17","Statement":[
                    {"Effect":"Allow","Action":["s3:*","sqs:*"],"Resource":"*"}]})),
            }],
            ..IamUser::default()
        });
        let endpoint = |id: &str, service: &str, policy: Option<serde_json::Value>| {
            pillar_model::VpcEndpoint {
                id: id.into(),
                endpoint_type: "Gateway".into(),
                vpc_id: Some("vpc-1".into()),
                service_name: format!("com.amazonaws.us-east-1.{service}"),
                policy: Known::Known(policy.map(PolicyDocument)),
                ..Default::default()
            }
        };
        inv.vpc_endpoints.push(endpoint("vpce-s3", "s3", Some(serde_json::json!({"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::corp-*/*",
             "Condition":{"StringEquals":{"aws:SourceVpc":"vpc-1"}}},
            {"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::corp-secret/*"}
        ]}))));
        inv.vpc_endpoints.push(endpoint("vpce-open", "s3", None));
        let ann = "arn:aws:iam::111122223333:user/ann";
        let get = |bucket: &str, vpce: Option<&str>| {
            let ctx: Vec<(&str, &str)> = vpce.map(|v| ("aws:SourceVpce", v)).into_iter().collect();
            outcome_on(
                &inv,
                ann,
                "s3:GetObject",
                &format!("arn:aws:s3:::{bucket}/k"),
                &ctx,
            )
        };
        // Outside the endpoint: the identity policy alone decides.
        assert_eq!(get("reports", None).0, Outcome::Allowed);
        // Through it: the endpoint policy must allow too (aws:SourceVpc is
        // the endpoint's VPC), and its Deny wins.
        let (o, by, notes) = get("reports", Some("vpce-s3"));
        assert_eq!(
            (o, by),
            (
                Outcome::ImplicitlyDenied,
                vec![crate::eval::PolicyKind::Endpoint]
            )
        );
        assert!(notes.iter().any(|n| n.contains("vpce-s3")), "{notes:?}");
        assert_eq!(get("corp-data", Some("vpce-s3")).0, Outcome::Allowed);
        assert_eq!(
            get("corp-secret", Some("vpce-s3")).0,
            Outcome::ExplicitlyDenied
        );
        // An endpoint without a policy gives full access; an unknown one is noted.
        assert_eq!(get("reports", Some("vpce-open")).0, Outcome::Allowed);
        let (o, _, notes) = get("reports", Some("vpce-gone"));
        assert_eq!(o, Outcome::Allowed);
        assert!(
            notes.iter().any(|n| n.contains("not in the inventory")),
            "{notes:?}"
        );
        // The S3 endpoint's policy does not bind SQS calls.
        let (o, _, notes) = outcome_on(
            &inv,
            ann,
            "sqs:SendMessage",
            "arn:aws:sqs:us-east-1:111122223333:q",
            &[("aws:SourceVpce", "vpce-s3")],
        );
        assert_eq!(o, Outcome::Allowed);
        assert!(notes.iter().any(|n| n.contains("serves s3")), "{notes:?}");
        // Anonymous callers through the endpoint are bound by it too.
        let mut public = inv.clone();
        public.buckets.push(pillar_model::Bucket {
            name: "site".into(),
            policy: Known::Known(Some(PolicyDocument(serde_json::json!({"Version":"2012-10-17","Statement":[
                {"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"}]})))),
            ..Default::default()
        });
        assert_eq!(
            outcome_on(&public, "", "s3:GetObject", "arn:aws:s3:::site/k", &[]).0,
            Outcome::Allowed
        );
        assert_eq!(
            outcome_on(
                &public,
                "",
                "s3:GetObject",
                "arn:aws:s3:::site/k",
                &[("aws:SourceVpce", "vpce-s3")]
            )
            .0,
            Outcome::ImplicitlyDenied
        );
        assert_eq!(endpoint_service("com.amazonaws.eu-west-1.ecr.api"), "ecr");
        assert_eq!(
            endpoint_service("com.amazonaws.eu-west-1.monitoring"),
            "cloudwatch"
        );
    }

    #[test]
    fn scps_and_rcps_do_not_restrict_the_management_account() {
        let deny = |what: &str| pillar_model::Scp {
            name: format!("deny-{what}"),
            document: Known::Known(PolicyDocument(
                serde_json::json!({"Version":"2012-10-17","Statement":[
                {"Effect":"Allow","Action":"*","Resource":"*"},
                {"Effect":"Deny","Principal": "*","Action":"s3:GetObject","Resource":"*"}]}),
            )),
            targets: vec!["r-root".into()],
            ..Default::default()
        };
        let build = |management: &str, rcp: bool| {
            let mut inv = Inventory::default();
            inv.accounts.push(pillar_model::Account {
                id: Known::Known("111122223333".into()),
                management_account_id: Some(management.to_owned()),
                ..Default::default()
            });
            inv.users.push(IamUser {
                name: "ann".into(),
                arn: "arn:aws:iam::111122223333:user/ann".into(),
                inline_policies: vec![InlinePolicy {
                    name: "s3".into(),
                    document: PolicyDocument(
                        serde_json::json!({"Version":"2012-10-17","Statement":[
                        {"Effect":"Allow","Action":"s3:*","Resource":"*"}]}),
                    ),
                }],
                ..IamUser::default()
            });
            let mut b = pillar_model::Bucket {
                name: "reports".into(),
                policy: Known::Known(None),
                ..Default::default()
            };
            b.resource.account = Some("111122223333".into());
            inv.buckets.push(b);
            if rcp {
                inv.rcps.push(deny("rcp"));
            } else {
                // SCPs have no Principal element.
                let mut scp = deny("scp");
                scp.document = Known::Known(PolicyDocument(
                    serde_json::json!({"Version":"2012-10-17","Statement":[
                    {"Effect":"Allow","Action":"*","Resource":"*"},
                    {"Effect":"Deny","Action":"s3:GetObject","Resource":"*"}]}),
                ));
                inv.scps.push(scp);
            }
            inv
        };
        let ann = "arn:aws:iam::111122223333:user/ann";
        let object = "arn:aws:s3:::reports/q3.csv";
        for rcp in [false, true] {
            let member = build("999999999999", rcp);
            let (o, _, _) = outcome_on(&member, ann, "s3:GetObject", object, &[]);
            assert_eq!(o, Outcome::ExplicitlyDenied, "rcp={rcp}");
            let management = build("111122223333", rcp);
            let (o, _, notes) = outcome_on(&management, ann, "s3:GetObject", object, &[]);
            assert_eq!(o, Outcome::Allowed, "rcp={rcp}");
            assert!(
                notes.iter().any(|n| n.contains("management account")),
                "{notes:?}"
            );
        }
    }
}
