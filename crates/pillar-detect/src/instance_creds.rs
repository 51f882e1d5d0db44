//! EC2 instance credentials used from outside the instance's network.
//!
//! An EC2 instance gets temporary credentials for its role through the
//! instance metadata service (IMDS). CloudTrail records their calls with
//! `userIdentity.type` `AssumedRole`, an ARN
//! `arn:aws:sts::ACCOUNT:assumed-role/ROLE/i-0123456789abcdef0` (the role
//! session name is the instance id), an access key id starting with `ASIA`
//! and, when IMDS delivered them, `sessionContext.ec2RoleDelivery` (`1.0` for
//! IMDSv1, `2.0` for IMDSv2). Called from the instance, `sourceIPAddress` is
//! the instance's public address, or that of the NAT gateway it leaves
//! through; through a VPC endpoint it is a private address and
//! `vpcEndpointId` is set; an AWS service calling on the role's behalf shows
//! its own name (`ec2.amazonaws.com`, `AWS Internal`).
//!
//! Anyone who reads the metadata service (SSRF, a compromised process)
//! can take the credentials and use them elsewhere: GuardDuty calls this
//! `UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS`
//! (and `.InsideAWS` when the other place is another AWS account). Two
//! ways to tell, both on public source addresses only (private addresses,
//! VPC endpoint calls and AWS-service sources are never judged):
//!
//! * **with a snapshot** of the account: the instance's own addresses
//!   (public and private IPs of its network interfaces, its Elastic IPs)
//!   and the public IPs of the NAT gateways of its VPC are where its calls
//!   come from; a call of its session from any other public address is
//!   reported (high);
//! * **learnt**, for instances the snapshot does not describe: the first
//!   public address a set of credentials (one access key id) is used from
//!   is taken as the instance's, per address family (an instance may call
//!   over IPv4 and IPv6); the same credentials used later from another
//!   public address are reported (medium). With a history file, the
//!   addresses of the instance session learnt in earlier runs are the
//!   expected ones as soon as the credentials were used from one of them.

use crate::event::{Event, Val};
use crate::stateful::History;
use pillar_model::finding::{fingerprint, Remediation};
use pillar_model::{
    Domain, Finding, Inventory, Location, ResourceRef, RuleInfo, Severity, SourceKind, Status,
};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::sync::Arc;

/// Rule id.
pub const RULE: &str = "cloudtrail-instance-credentials-outside-instance";
/// Rule title.
pub const TITLE: &str = "EC2 instance credentials used from outside the instance's network";
/// The GuardDuty finding types this mirrors.
pub const GUARDDUTY: &str = "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS, UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS";
/// Calls kept as samples per finding.
const MAX_SAMPLES: usize = 3;

/// One call, as a finding shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// Event time as written.
    pub time: String,
    /// `eventName`.
    pub name: String,
    /// `eventID`.
    pub id: String,
    /// File.
    pub file: Arc<str>,
    /// Line, when known.
    pub line: Option<u32>,
}

/// The calls of one set of credentials from one address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddrUse {
    /// Calls.
    pub count: u64,
    /// The earliest calls (at most three), earliest first.
    pub samples: Vec<Call>,
    /// Time of the latest call.
    pub last_time: String,
}

impl AddrUse {
    fn first_time(&self) -> &str {
        self.samples.first().map_or("", |c| c.time.as_str())
    }

    fn merge(&mut self, o: AddrUse) {
        self.count += o.count;
        if o.last_time > self.last_time {
            self.last_time = o.last_time;
        }
        self.samples.extend(o.samples);
        self.samples.sort_by(|a, b| a.time.cmp(&b.time));
        self.samples.truncate(MAX_SAMPLES);
    }
}

/// One instance session (role and instance id): its calls by access key
/// id and public source address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Session {
    /// Role ARN (`sessionContext.sessionIssuer.arn`), else the role name.
    pub role: String,
    /// Instance id.
    pub instance: String,
    /// Account.
    pub account: Option<String>,
    /// `sessionContext.ec2RoleDelivery`, when given (IMDS version).
    pub delivery: Option<String>,
    /// Per access key id (empty when the event has none), per public
    /// source address.
    pub keys: BTreeMap<String, BTreeMap<String, AddrUse>>,
    /// Calls not judged: through a VPC endpoint, from an AWS service or a
    /// private address.
    pub not_judged: u64,
}

/// Instance sessions seen in a run, by session ARN.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstanceUse {
    /// By the session's ARN (`…:assumed-role/ROLE/i-…`).
    pub sessions: BTreeMap<String, Session>,
}

/// A non-empty string value.
fn str_of<'v>(v: Option<&'v Val<'_>>) -> Option<&'v str> {
    v.and_then(Val::as_str).filter(|s| !s.is_empty())
}

/// The instance id a role session name is, if it is one: `i-` and 8 or
/// 17 hexadecimal digits.
pub fn instance_id_of(session_name: &str) -> Option<&str> {
    let hex = session_name.strip_prefix("i-")?;
    ((hex.len() == 8 || hex.len() == 17) && hex.bytes().all(|b| b.is_ascii_hexdigit()))
        .then_some(session_name)
}

/// A public address: not private, shared (carrier-grade NAT), loopback,
/// link-local, unique-local or unspecified. `None` when not an address
/// (an AWS service name, `AWS Internal`).
pub fn public_ip(text: &str) -> Option<IpAddr> {
    let ip: IpAddr = text.trim().parse().ok()?;
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    };
    let private = match ip {
        IpAddr::V4(a) => {
            let [o1, o2, ..] = a.octets();
            a.is_private()
                || a.is_loopback()
                || a.is_link_local()
                || a.is_unspecified()
                || a.is_broadcast()
                || (o1 == 100 && (64..128).contains(&o2))
        }
        IpAddr::V6(a) => {
            let s = a.segments()[0];
            a.is_loopback()
                || a.is_unspecified()
                || (s & 0xfe00) == 0xfc00
                || (s & 0xffc0) == 0xfe80
        }
    };
    (!private).then_some(ip)
}

impl InstanceUse {
    /// Record one CloudTrail event (cheap for events that are not of an
    /// instance session).
    pub fn add(&mut self, ev: &Event<'_>, file: &Arc<str>, line: Option<u32>) {
        let Some(ui) = ev.get("userIdentity") else {
            return;
        };
        if str_of(ui.get("type")) != Some("AssumedRole") {
            return;
        }
        let Some(arn) = str_of(ui.get("arn")) else {
            return;
        };
        // arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION
        let Some(rest) = arn.split_once(":assumed-role/").map(|(_, r)| r) else {
            return;
        };
        let Some((role_name, session_name)) = rest.rsplit_once('/') else {
            return;
        };
        let Some(instance) = instance_id_of(session_name) else {
            return;
        };
        let ctx = ui.get("sessionContext");
        let session = self
            .sessions
            .entry(arn.to_owned())
            .or_insert_with(|| Session {
                role: str_of(
                    ctx.and_then(|c| c.get("sessionIssuer"))
                        .and_then(|s| s.get("arn")),
                )
                .unwrap_or(role_name)
                .to_owned(),
                instance: instance.to_owned(),
                account: str_of(ui.get("accountId"))
                    .or_else(|| ev.get_str("recipientAccountId"))
                    .map(str::to_owned),
                delivery: None,
                ..Session::default()
            });
        if session.delivery.is_none() {
            session.delivery =
                str_of(ctx.and_then(|c| c.get("ec2RoleDelivery"))).map(str::to_owned);
        }
        let endpoint = str_of(ev.get("vpcEndpointId")).is_some();
        let source = ev.get_str("sourceIPAddress").unwrap_or_default();
        if endpoint || str_of(ui.get("invokedBy")).is_some() || public_ip(source).is_none() {
            session.not_judged += 1;
            return;
        }
        let key = str_of(ui.get("accessKeyId")).unwrap_or_default();
        let call = Call {
            time: ev.get_str("eventTime").unwrap_or_default().to_owned(),
            name: ev.get_str("eventName").unwrap_or_default().to_owned(),
            id: ev.get_str("eventID").unwrap_or_default().to_owned(),
            file: file.clone(),
            line,
        };
        let addrs = session.keys.entry(key.to_owned()).or_default();
        let one = AddrUse {
            count: 1,
            last_time: call.time.clone(),
            samples: vec![call],
        };
        match addrs.get_mut(source) {
            Some(u) => u.merge(one),
            None => {
                addrs.insert(source.to_owned(), one);
            }
        }
    }

    /// Merge another run part into this one.
    pub fn merge(&mut self, o: InstanceUse) {
        for (arn, s) in o.sessions {
            let Some(mine) = self.sessions.get_mut(&arn) else {
                self.sessions.insert(arn, s);
                continue;
            };
            mine.not_judged += s.not_judged;
            if mine.delivery.is_none() {
                mine.delivery = s.delivery;
            }
            for (k, addrs) in s.keys {
                let m = mine.keys.entry(k).or_default();
                for (a, u) in addrs {
                    match m.get_mut(&a) {
                        Some(x) => x.merge(u),
                        None => {
                            m.insert(a, u);
                        }
                    }
                }
            }
        }
    }
}

/// Where each instance's calls are expected to come from, by instance id
/// (lower case).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstanceNetworks {
    /// Instance id to its expected addresses.
    pub instances: BTreeMap<String, BTreeSet<IpAddr>>,
}

impl InstanceNetworks {
    /// The addresses of each instance of an inventory: its primary
    /// private and public IPs, every address of its network interfaces
    /// (private, associated public, IPv6), the Elastic IPs associated
    /// with it or its interfaces, and the public IPs of the NAT gateways
    /// of its VPC.
    pub fn from_inventory(inv: &Inventory) -> Self {
        let mut instances: BTreeMap<String, BTreeSet<IpAddr>> = BTreeMap::new();
        let parse = |s: &str| s.trim().parse::<IpAddr>().ok();
        let mut eni_owner: BTreeMap<&str, String> = BTreeMap::new();
        for i in &inv.instances {
            let id = i.id.to_ascii_lowercase();
            let set = instances.entry(id.clone()).or_default();
            set.extend(
                [i.private_ip.as_deref(), i.public_ip.as_deref()]
                    .into_iter()
                    .flatten()
                    .filter_map(parse),
            );
            for e in &i.network_interfaces {
                eni_owner.insert(e.as_str(), id.clone());
            }
            if let Some(vpc) = i.vpc_id.as_deref() {
                for n in inv.nat_gateways.iter().filter(|n| n.vpc_id == vpc) {
                    set.extend(n.public_ips.iter().filter_map(|p| parse(p)));
                }
            }
        }
        for eni in &inv.network_interfaces {
            let owner = eni
                .instance_id
                .as_deref()
                .map(str::to_ascii_lowercase)
                .or_else(|| eni_owner.get(eni.id.as_str()).cloned());
            let Some(set) = owner.and_then(|o| instances.get_mut(&o)) else {
                continue;
            };
            for p in &eni.private_ips {
                set.extend(parse(&p.address));
                set.extend(p.public_ip.as_deref().and_then(parse));
            }
            set.extend(eni.ipv6_addresses.iter().filter_map(|a| parse(a)));
        }
        for eip in &inv.elastic_ips {
            let owner = eip
                .instance_id
                .as_deref()
                .map(str::to_ascii_lowercase)
                .or_else(|| {
                    eip.network_interface_id
                        .as_deref()
                        .and_then(|e| eni_owner.get(e).cloned())
                });
            if let Some(set) = owner.and_then(|o| instances.get_mut(&o)) {
                set.extend(parse(&eip.public_ip));
            }
        }
        InstanceNetworks { instances }
    }

    /// The expected addresses of an instance the snapshot describes.
    pub fn expected(&self, instance: &str) -> Option<&BTreeSet<IpAddr>> {
        self.instances.get(&instance.to_ascii_lowercase())
    }
}

/// Why an address was expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Basis {
    Snapshot,
    History,
    FirstUse,
}

impl Basis {
    fn text(self) -> &'static str {
        match self {
            Basis::Snapshot => "snapshot: the instance's addresses and the NAT gateways of its VPC",
            Basis::History => "history: the addresses this instance session used in earlier runs",
            Basis::FirstUse => "learnt: the first public address these credentials were used from in these logs (per address family)",
        }
    }
}

/// An address a session's credentials should not have been used from.
struct Foreign<'a> {
    expected: BTreeSet<String>,
    basis: Basis,
    keys: BTreeSet<&'a str>,
    uses: Vec<&'a AddrUse>,
}

/// For one session: each foreign address and why, without a snapshot
/// (learnt) or with the instance's snapshot addresses.
fn judge<'a>(
    arn: &str,
    s: &'a Session,
    nets: Option<&InstanceNetworks>,
    history: Option<&History>,
) -> BTreeMap<&'a str, Foreign<'a>> {
    let mut out: BTreeMap<&'a str, Foreign<'a>> = BTreeMap::new();
    let mut flag =
        |addr: &'a str, key: &'a str, u: &'a AddrUse, expected: BTreeSet<String>, basis| {
            let f = out.entry(addr).or_insert_with(|| Foreign {
                expected: BTreeSet::new(),
                basis,
                keys: BTreeSet::new(),
                uses: Vec::new(),
            });
            f.expected.extend(expected);
            f.keys.insert(key);
            f.uses.push(u);
        };
    if let Some(exp) = nets.and_then(|n| n.expected(&s.instance)) {
        for (key, addrs) in &s.keys {
            for (a, u) in addrs {
                if public_ip(a).is_some_and(|ip| !exp.contains(&ip)) {
                    let shown = exp.iter().map(ToString::to_string).collect();
                    flag(a, key, u, shown, Basis::Snapshot);
                }
            }
        }
        return out;
    }
    let known: BTreeSet<IpAddr> = history
        .and_then(|h| h.instance_addresses.get(arn))
        .map(|set| set.iter().filter_map(|a| public_ip(a)).collect())
        .unwrap_or_default();
    for (key, addrs) in &s.keys {
        // Without an access key id, calls cannot be tied to one set of
        // credentials.
        if key.is_empty() {
            continue;
        }
        let used: Vec<(&String, IpAddr, &AddrUse)> = addrs
            .iter()
            .filter_map(|(a, u)| public_ip(a).map(|ip| (a, ip, u)))
            .collect();
        if used.iter().any(|(_, ip, _)| known.contains(ip)) {
            for (a, ip, u) in &used {
                if !known.contains(ip) {
                    let shown = known.iter().map(ToString::to_string).collect();
                    flag(a, key, u, shown, Basis::History);
                }
            }
            continue;
        }
        for v6 in [false, true] {
            let fam: Vec<&(&String, IpAddr, &AddrUse)> = used
                .iter()
                .filter(|(_, ip, _)| ip.is_ipv6() == v6)
                .collect();
            let Some(first) = fam
                .iter()
                .min_by(|x, y| x.2.first_time().cmp(y.2.first_time()).then(x.0.cmp(y.0)))
            else {
                continue;
            };
            for (a, _, u) in &fam {
                if *a != first.0 {
                    flag(
                        a,
                        key,
                        u,
                        BTreeSet::from([first.0.clone()]),
                        Basis::FirstUse,
                    );
                }
            }
        }
    }
    out
}

/// The findings: one per instance session and foreign address.
pub fn outside_instance(
    u: &InstanceUse,
    nets: Option<&InstanceNetworks>,
    history: Option<&History>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for (arn, s) in &u.sessions {
        for (addr, f) in judge(arn, s, nets, history) {
            out.push(finding(arn, s, addr, &f));
        }
    }
    out
}

/// The addresses of each session that are not foreign, to remember in a
/// history file.
pub fn learnable(
    u: &InstanceUse,
    nets: Option<&InstanceNetworks>,
    history: Option<&History>,
) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (arn, s) in &u.sessions {
        let foreign = judge(arn, s, nets, history);
        let good: BTreeSet<String> = s
            .keys
            .values()
            .flat_map(|m| m.keys())
            .filter(|a| !foreign.contains_key(a.as_str()) && public_ip(a).is_some())
            .cloned()
            .collect();
        if !good.is_empty() {
            out.entry(arn.clone()).or_default().extend(good);
        }
    }
    out
}

fn finding(arn: &str, s: &Session, addr: &str, f: &Foreign<'_>) -> Finding {
    let severity = if f.basis == Basis::Snapshot {
        Severity::High
    } else {
        Severity::Medium
    };
    let count: u64 = f.uses.iter().map(|u| u.count).sum();
    let mut samples: Vec<&Call> = f.uses.iter().flat_map(|u| &u.samples).collect();
    samples.sort_by(|a, b| a.time.cmp(&b.time));
    samples.truncate(MAX_SAMPLES);
    let first = samples.first().map_or("", |c| c.time.as_str());
    let last = f
        .uses
        .iter()
        .map(|u| u.last_time.as_str())
        .max()
        .unwrap_or_default();
    let expected: Vec<&str> = f.expected.iter().map(String::as_str).collect();
    let when = if count > 1 {
        format!("{count} calls from {first} to {last}")
    } else {
        format!("at {first}")
    };
    let message = format!(
        "{TITLE}: instance {} (role {}) credentials called from {addr}, expected {} ({when}; basis: {})",
        s.instance,
        s.role,
        if expected.is_empty() {
            "none known".to_owned()
        } else {
            expected.join(", ")
        },
        match f.basis {
            Basis::Snapshot => "snapshot",
            Basis::History => "history",
            Basis::FirstUse => "first use of the same credentials",
        }
    );
    let resource = ResourceRef::new("AWS::IAM::Principal", arn.to_owned())
        .in_account(s.account.clone())
        .from_source(SourceKind::Logs);
    let events: Vec<serde_json::Value> = samples
        .iter()
        .map(|c| {
            let at = match c.line {
                Some(l) => format!("{}:{l}", c.file),
                None => c.file.to_string(),
            };
            json!({"eventTime": c.time, "eventName": c.name, "eventID": c.id, "at": at})
        })
        .collect();
    let mut evidence = json!({
        "instance_id": s.instance,
        "role": s.role,
        "session": arn,
        "source_ip": addr,
        "expected": expected,
        "basis": f.basis.text(),
        "access_key_ids": f.keys.iter().filter(|k| !k.is_empty()).collect::<Vec<_>>(),
        "count": count,
        "first_seen": first,
        "last_seen": last,
        "events": events,
        "mitre_attack": ["T1552.005", "T1078.004"],
        "guardduty": GUARDDUTY,
    });
    if let (Some(d), Some(obj)) = (&s.delivery, evidence.as_object_mut()) {
        obj.insert("ec2_role_delivery".to_owned(), json!(d));
    }
    Finding {
        rule: RULE.to_owned(),
        title: TITLE.to_owned(),
        severity,
        domain: Domain::Detection,
        wa: vec!["SEC04-BP02".to_owned(), "SEC04-BP03".to_owned()],
        cis: Vec::new(),
        status: Status::Fail,
        fingerprint: fingerprint(RULE, &resource, addr),
        resource,
        location: samples
            .first()
            .map(|c| Location::new(c.file.to_string(), c.line)),
        source: SourceKind::Logs,
        message,
        evidence,
        remediation: remediation(),
    }
}

const RESPONSE: &str = "Revoke the role's active sessions (IAM console: the role, Revoke active sessions, which denies credentials issued before now), find how the credentials left the instance (SSRF, a compromised process: require IMDSv2 with a hop limit of 1), and review what the calls from the foreign address did (playbook compromised-ec2-instance: `pillar respond compromised-ec2-instance --finding FILE` plans the isolation and the session revocation).";

fn remediation() -> Remediation {
    Remediation {
        console: RESPONSE.to_owned(),
        cli: "aws iam put-role-policy --role-name ROLE --policy-name AWSRevokeOlderSessions --policy-document '{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"DateLessThan\":{\"aws:TokenIssueTime\":\"NOW\"}}}]}'".to_owned(),
        terraform: String::new(),
    }
}

/// Metadata of the rule, for reports.
pub fn rule_info() -> RuleInfo {
    let what = "A call made with an EC2 instance's role credentials (role session named after the instance id) came from a public address that is not the instance's: not its own addresses or its VPC's NAT gateways when a snapshot describes them (high), else not the address the same credentials were first used from, or the addresses the instance session used in earlier runs (medium). Calls through VPC endpoints, from AWS services and from private addresses are not judged. Mirrors GuardDuty UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS and .InsideAWS.";
    RuleInfo {
        id: RULE.to_owned(),
        title: TITLE.to_owned(),
        severity: Severity::High,
        domain: Domain::Detection,
        service: "cloudtrail".to_owned(),
        wa: vec!["SEC04-BP02".to_owned(), "SEC04-BP03".to_owned()],
        cis: Vec::new(),
        rationale: what.to_owned(),
        remediation: remediation(),
        docs: format!(
            "## What it does\n\n{what}\n\n## False positives\n\n* An Elastic IP associated with a running instance (its credentials are then used from two addresses); a snapshot that lists the EIP settles it.\n* A NAT gateway with several public addresses, or egress through another VPC (a central egress VPC), without a snapshot of that VPC.\n* Instances whose public address changed after the snapshot was taken.\n"
        ),
        help_uri: "https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-iam.html"
            .to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_ids_and_addresses() {
        assert_eq!(
            instance_id_of("i-0123456789abcdef0"),
            Some("i-0123456789abcdef0")
        );
        assert_eq!(instance_id_of("i-12345678"), Some("i-12345678"));
        assert_eq!(
            instance_id_of("i-786a3A8B5C0d92eF4"),
            Some("i-786a3A8B5C0d92eF4")
        );
        assert_eq!(instance_id_of("i-0123"), None);
        assert_eq!(instance_id_of("alice"), None);
        assert_eq!(instance_id_of("i-0123456789abcdefg"), None);
        for p in [
            "203.0.113.9",
            "1.2.3.4",
            "2001:db8::1",
            "::ffff:198.51.100.1",
        ] {
            assert!(public_ip(p).is_some(), "{p}");
        }
        for n in [
            "10.0.1.5",
            "172.20.0.1",
            "192.168.10.20",
            "100.64.0.1",
            "127.0.0.1",
            "169.254.169.254",
            "fd00::1",
            "fe80::1",
            "::ffff:10.0.0.1",
            "ec2.amazonaws.com",
            "AWS Internal",
            "",
        ] {
            assert!(public_ip(n).is_none(), "{n}");
        }
    }
}
