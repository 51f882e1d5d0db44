//! Stateful detections that no single event shows:
//!
//! * **first seen**: a principal calls an API, or works in a region, that
//!   it never used before. "Before" is a history file (JSON) of the APIs
//!   and regions each principal used, written by an earlier run; only
//!   principals the history knows are judged, so a first run learns.
//! * **impossible travel**: two successful console sign-ins of one
//!   principal from places too far apart for the time between them, where
//!   the user supplies geolocation for addresses (a CSV of networks and
//!   coordinates).
//!
//! Activity is gathered while events are read (only when asked), as
//! distinct (principal, API) and (principal, region) pairs with the first
//! time seen, and the successful console sign-ins.

use crate::event::{Event, Val};
use crate::matcher::Cidr;
use crate::run::{parse_time, principal_of};
use pillar_model::finding::{fingerprint, Remediation};
use pillar_model::{
    Domain, Finding, Location, ResourceRef, RuleInfo, Severity, SourceKind, Status,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Rule id: a principal's first call of an API.
pub const FIRST_SEEN_API: &str = "cloudtrail-first-seen-api";
/// Rule id: a principal's first activity in a region.
pub const FIRST_SEEN_REGION: &str = "cloudtrail-first-seen-region";
/// Rule id: console sign-ins too far apart for the time between them.
pub const IMPOSSIBLE_TRAVEL: &str = "cloudtrail-impossible-travel";

/// Faster than this between two sign-ins is impossible travel (an airliner
/// cruises near 900 km/h).
pub const MAX_SPEED_KMH: f64 = 1000.0;
/// Sign-ins closer than this are never reported (geolocation of addresses
/// is approximate).
pub const MIN_DISTANCE_KM: f64 = 500.0;

/// Where and when something was first seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    /// Event time as written.
    pub time: String,
    /// File.
    pub file: Arc<str>,
    /// Line, when known.
    pub line: Option<u32>,
}

/// A successful console sign-in.
#[derive(Debug, Clone, PartialEq)]
pub struct Login {
    /// Principal.
    pub principal: String,
    /// Time, ms since the epoch.
    pub time_ms: i64,
    /// Source address.
    pub ip: String,
    /// Where it was read.
    pub seen: Seen,
}

/// Activity gathered over a run.
#[derive(Debug, Clone, Default)]
pub struct Activity {
    /// Per principal, per `eventSource:eventName`: the earliest sighting.
    pub apis: BTreeMap<String, BTreeMap<String, Seen>>,
    /// Per principal, per region: the earliest sighting.
    pub regions: BTreeMap<String, BTreeMap<String, Seen>>,
    /// Successful console sign-ins.
    pub logins: Vec<Login>,
    /// Calls of EC2 instance sessions ([`crate::instance_creds`]).
    pub instance: crate::instance_creds::InstanceUse,
}

fn keep_earliest(map: &mut BTreeMap<String, Seen>, key: &str, seen: impl FnOnce() -> Seen) {
    match map.get_mut(key) {
        Some(s) => {
            let n = seen();
            if n.time < s.time {
                *s = n;
            }
        }
        None => {
            map.insert(key.to_owned(), seen());
        }
    }
}

impl Activity {
    /// Record one CloudTrail event.
    pub fn add(&mut self, ev: &Event<'_>, file: &Arc<str>, line: Option<u32>) {
        if ev.get("userIdentity").is_none() {
            return;
        }
        let principal = principal_of(ev);
        let time = ev.get_str("eventTime").unwrap_or_default();
        let seen = || Seen {
            time: time.to_owned(),
            file: file.clone(),
            line,
        };
        if let (Some(src), Some(name)) = (ev.get_str("eventSource"), ev.get_str("eventName")) {
            let api = format!("{src}:{name}");
            keep_earliest(self.apis.entry(principal.clone()).or_default(), &api, seen);
            if name == "ConsoleLogin"
                && ev
                    .get("responseElements")
                    .and_then(|r| r.get("ConsoleLogin"))
                    .and_then(Val::as_str)
                    == Some("Success")
            {
                if let (Some(t), Some(ip)) = (parse_time(time), ev.get_str("sourceIPAddress")) {
                    self.logins.push(Login {
                        principal: principal.clone(),
                        time_ms: t,
                        ip: ip.to_owned(),
                        seen: seen(),
                    });
                }
            }
        }
        if let Some(region) = ev.get_str("awsRegion") {
            keep_earliest(self.regions.entry(principal).or_default(), region, seen);
        }
    }

    /// Merge another run part into this one.
    pub fn merge(&mut self, o: Activity) {
        for (mine, theirs) in [(&mut self.apis, o.apis), (&mut self.regions, o.regions)] {
            for (p, m) in theirs {
                let e = mine.entry(p).or_default();
                for (k, s) in m {
                    keep_earliest(e, &k, || s);
                }
            }
        }
        self.logins.extend(o.logins);
        self.instance.merge(o.instance);
    }
}

/// What the history file holds per principal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrincipalHistory {
    /// `eventSource:eventName` called.
    #[serde(default)]
    pub apis: BTreeSet<String>,
    /// Regions worked in.
    #[serde(default)]
    pub regions: BTreeSet<String>,
}

/// The history file: what each principal did in earlier runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    /// Format version (1).
    #[serde(default = "one")]
    pub version: u32,
    /// Per principal.
    #[serde(default)]
    pub principals: BTreeMap<String, PrincipalHistory>,
    /// Per EC2 instance session (`…:assumed-role/ROLE/i-…`): the public
    /// addresses its credentials were used from, not reported as foreign.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub instance_addresses: BTreeMap<String, BTreeSet<String>>,
}

fn one() -> u32 {
    1
}

/// An empty history of the current format (a new file is written as
/// version 1, as a file without `version` is read).
impl Default for History {
    fn default() -> Self {
        History {
            version: one(),
            principals: BTreeMap::new(),
            instance_addresses: BTreeMap::new(),
        }
    }
}

/// An error reading the history or the geolocation file.
#[derive(Debug, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct StateError {
    /// File.
    pub file: String,
    /// Line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl History {
    /// Read a history file; a missing file is an empty history.
    pub fn load(path: &std::path::Path) -> Result<Self, StateError> {
        let file = path.display().to_string();
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(History::default()),
            Err(e) => {
                return Err(StateError {
                    file,
                    line: 1,
                    message: format!("cannot read: {e}"),
                })
            }
        };
        serde_json::from_str(&text).map_err(|e| StateError {
            file,
            line: e.line(),
            message: format!("not a pillar history file: {e}"),
        })
    }

    /// Add what a run saw.
    pub fn learn(&mut self, a: &Activity) {
        for (p, m) in &a.apis {
            let e = self.principals.entry(p.clone()).or_default();
            e.apis.extend(m.keys().cloned());
        }
        for (p, m) in &a.regions {
            let e = self.principals.entry(p.clone()).or_default();
            e.regions.extend(m.keys().cloned());
        }
    }

    /// Add instance sessions' addresses (from
    /// [`crate::instance_creds::learnable`]).
    pub fn learn_instances(&mut self, learnt: BTreeMap<String, BTreeSet<String>>) {
        for (session, addrs) in learnt {
            self.instance_addresses
                .entry(session)
                .or_default()
                .extend(addrs);
        }
    }
}

/// Networks and their coordinates, from a CSV of
/// `network,latitude,longitude` (a header line and `#` comments allowed;
/// a single address is a /32 or /128).
#[derive(Debug, Clone, Default)]
pub struct Geo {
    nets: Vec<(Cidr, u8, f64, f64)>,
}

impl Geo {
    /// Read the CSV.
    pub fn load(path: &std::path::Path) -> Result<Self, StateError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| StateError {
            file: file.clone(),
            line: 1,
            message: format!("cannot read: {e}"),
        })?;
        Geo::parse(&text, &file)
    }

    /// Parse the CSV text.
    pub fn parse(text: &str, file: &str) -> Result<Self, StateError> {
        let mut nets = Vec::new();
        for (i, l) in text.lines().enumerate() {
            let l = l.trim();
            if l.is_empty() || l.starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = l.split(',').map(str::trim).collect();
            let err = |message: String| StateError {
                file: file.to_owned(),
                line: i + 1,
                message,
            };
            let (Some(net), Some(lat), Some(lon)) = (cols.first(), cols.get(1), cols.get(2)) else {
                return Err(err("expected `network,latitude,longitude`".to_owned()));
            };
            let (lat, lon) = match (lat.parse::<f64>(), lon.parse::<f64>()) {
                (Ok(a), Ok(b)) if (-90.0..=90.0).contains(&a) && (-180.0..=180.0).contains(&b) => {
                    (a, b)
                }
                _ if i == 0 => continue, // a header line
                _ => {
                    return Err(err(format!(
                        "`{lat},{lon}` are not a latitude and longitude"
                    )))
                }
            };
            let spec = if net.contains('/') {
                (*net).to_owned()
            } else if net.contains(':') {
                format!("{net}/128")
            } else {
                format!("{net}/32")
            };
            let cidr =
                Cidr::parse(&spec).ok_or_else(|| err(format!("`{net}` is not a network")))?;
            let prefix = spec
                .rsplit('/')
                .next()
                .and_then(|p| p.parse::<u8>().ok())
                .unwrap_or(0);
            nets.push((cidr, prefix, lat, lon));
        }
        Ok(Geo { nets })
    }

    /// The coordinates of an address: its most specific network.
    pub fn locate(&self, ip: &str) -> Option<(f64, f64)> {
        self.nets
            .iter()
            .filter(|(c, ..)| c.contains(ip))
            .max_by_key(|(_, p, ..)| *p)
            .map(|(_, _, lat, lon)| (*lat, *lon))
    }
}

/// Great-circle distance in km.
pub fn distance_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let r = 6371.0_f64;
    let (la1, lo1) = (a.0.to_radians(), a.1.to_radians());
    let (la2, lo2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * r * h.sqrt().min(1.0).asin()
}

fn location(s: &Seen) -> Location {
    Location::new(s.file.to_string(), s.line)
}

/// Metadata of the stateful rules, for reports.
pub fn rule_infos(first_seen: bool, travel: bool) -> Vec<RuleInfo> {
    let mut out = Vec::new();
    let mk = |id: &str, title: &str, severity: Severity, what: &str, response: &str| RuleInfo {
        id: id.to_owned(),
        title: title.to_owned(),
        severity,
        domain: Domain::Detection,
        service: "cloudtrail".to_owned(),
        wa: vec!["SEC04-BP03".to_owned(), "SEC04-BP02".to_owned()],
        cis: Vec::new(),
        rationale: what.to_owned(),
        remediation: Remediation {
            console: response.to_owned(),
            cli: String::new(),
            terraform: String::new(),
        },
        docs: format!("## What it does\n\n{what}\n"),
        help_uri:
            "https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-iam.html"
                .to_owned(),
    };
    if first_seen {
        out.push(mk(
            FIRST_SEEN_API,
            "Principal called an API it never called before",
            Severity::Low,
            "A principal known to the history file called an API (event source and name) it had not called in earlier runs. Mirrors GuardDuty's anomalous-behaviour findings (e.g. Discovery:IAMUser/AnomalousBehavior).",
            "Confirm with the principal's owner that the call was expected; if not, treat its credentials as compromised (deactivate keys, revoke sessions).",
        ));
        out.push(mk(
            FIRST_SEEN_REGION,
            "Principal active in a region it never used before",
            Severity::Medium,
            "A principal known to the history file made calls in a region it had not used in earlier runs: attackers often work in unused regions.",
            "Check what the principal created in that region; deny unused regions with an SCP (aws:RequestedRegion).",
        ));
    }
    if travel {
        out.push(mk(
            IMPOSSIBLE_TRAVEL,
            "Console sign-ins too far apart for the time between them",
            Severity::High,
            "Two successful console sign-ins of one principal came from places farther apart than anyone can travel in the time between them (over 1,000 km/h and 500 km), by the geolocation supplied. Mirrors GuardDuty UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B.",
            "Ask the user which sign-in was theirs; reset the password and MFA device, revoke active sessions.",
        ));
    }
    out
}

/// A stateful rule: id, title, severity.
type Kind<'a> = (&'a str, &'a str, Severity);

fn finding(
    (rule, title, severity): Kind<'_>,
    principal: &str,
    detail: &str,
    message: String,
    evidence: serde_json::Value,
    loc: Location,
) -> Finding {
    let resource =
        ResourceRef::new("AWS::IAM::Principal", principal.to_owned()).from_source(SourceKind::Logs);
    Finding {
        rule: rule.to_owned(),
        title: title.to_owned(),
        severity,
        domain: Domain::Detection,
        wa: vec!["SEC04-BP03".to_owned(), "SEC04-BP02".to_owned()],
        cis: Vec::new(),
        status: Status::Fail,
        fingerprint: fingerprint(rule, &resource, detail),
        resource,
        location: Some(loc),
        source: SourceKind::Logs,
        message,
        evidence,
        remediation: Remediation::default(),
    }
}

/// First-seen findings: APIs and regions of principals the history knows
/// that it does not list.
pub fn first_seen(a: &Activity, h: &History) -> Vec<Finding> {
    let mut out = Vec::new();
    for (rule, title, sev, what, map, known) in [
        (
            FIRST_SEEN_API,
            "Principal called an API it never called before",
            Severity::Low,
            "API",
            &a.apis,
            (|p: &PrincipalHistory| &p.apis) as fn(&PrincipalHistory) -> &BTreeSet<String>,
        ),
        (
            FIRST_SEEN_REGION,
            "Principal active in a region it never used before",
            Severity::Medium,
            "region",
            &a.regions,
            (|p: &PrincipalHistory| &p.regions) as fn(&PrincipalHistory) -> &BTreeSet<String>,
        ),
    ] {
        for (p, seen) in map {
            let Some(ph) = h.principals.get(p) else {
                continue;
            };
            for (k, s) in seen {
                if known(ph).contains(k) {
                    continue;
                }
                out.push(finding(
                    (rule, title, sev),
                    p,
                    k,
                    format!("{title}: {p} first used {what} {k} at {}", s.time),
                    json!({ what.to_ascii_lowercase(): k, "first_seen": s.time, "known": known(ph).len() }),
                    location(s),
                ));
            }
        }
    }
    out
}

/// Impossible-travel findings over the sign-ins, one per principal and
/// pair of consecutive sign-ins.
pub fn impossible_travel(a: &Activity, geo: &Geo) -> Vec<Finding> {
    let mut by: BTreeMap<&str, Vec<&Login>> = BTreeMap::new();
    for l in &a.logins {
        by.entry(l.principal.as_str()).or_default().push(l);
    }
    let mut out = Vec::new();
    for (p, mut ls) in by {
        ls.sort_by_key(|l| l.time_ms);
        for w in ls.windows(2) {
            let [x, y] = w else { continue };
            let (Some(gx), Some(gy)) = (geo.locate(&x.ip), geo.locate(&y.ip)) else {
                continue;
            };
            let km = distance_km(gx, gy);
            let hours = (y.time_ms - x.time_ms) as f64 / 3_600_000.0;
            if km < MIN_DISTANCE_KM || (hours > 0.0 && km / hours <= MAX_SPEED_KMH) {
                continue;
            }
            let speed = if hours > 0.0 {
                format!("{:.0} km/h", km / hours)
            } else {
                "at the same time".to_owned()
            };
            out.push(finding(
                (
                    IMPOSSIBLE_TRAVEL,
                    "Console sign-ins too far apart for the time between them",
                    Severity::High,
                ),
                p,
                &format!("{}>{}", x.ip, y.ip),
                format!(
                    "Console sign-ins too far apart: {p} signed in from {} at {} and from {} at {} ({km:.0} km, {speed})",
                    x.ip, x.seen.time, y.ip, y.seen.time
                ),
                json!({
                    "from": {"ip": x.ip, "time": x.seen.time, "lat": gx.0, "lon": gx.1},
                    "to": {"ip": y.ip, "time": y.seen.time, "lat": gy.0, "lon": gy.1},
                    "distance_km": km.round(),
                    "guardduty": "UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B",
                }),
                location(&y.seen),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_history_is_written_as_version_1() {
        let text = serde_json::to_string(&History::default()).unwrap();
        assert!(text.contains("\"version\":1"), "{text}");
        let read: History = serde_json::from_str("{}").unwrap();
        assert_eq!(read, History::default());
    }

    #[test]
    fn distances() {
        // Paris to New York, about 5,840 km.
        let d = distance_km((48.8566, 2.3522), (40.7128, -74.0060));
        assert!((d - 5837.0).abs() < 30.0, "{d}");
        assert!(distance_km((1.0, 1.0), (1.0, 1.0)) < 1e-6);
    }

    #[test]
    fn geo_csv() {
        let g = Geo::parse(
            "network,latitude,longitude\n# comment\n198.51.100.0/24,48.85,2.35\n198.51.100.7,40.71,-74.0\n2001:db8::/32,35.68,139.69\n",
            "g.csv",
        )
        .unwrap();
        assert_eq!(g.locate("198.51.100.9"), Some((48.85, 2.35)));
        assert_eq!(g.locate("198.51.100.7"), Some((40.71, -74.0)));
        assert_eq!(g.locate("2001:db8::1"), Some((35.68, 139.69)));
        assert_eq!(g.locate("192.0.2.1"), None);
        let e = Geo::parse("10.0.0.0/8,1,2\nnope,1,2\n", "g.csv").unwrap_err();
        assert_eq!((e.line, e.to_string().starts_with("g.csv:2:")), (2, true));
        let e = Geo::parse("10.0.0.0/8,1,2\n10.0.0.0/8,x,2\n", "g.csv").unwrap_err();
        assert!(e.message.contains("latitude"), "{e}");
    }
}
