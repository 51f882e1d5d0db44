//! `elb-tls-policy-outdated`

use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::{
    Domain, Inventory, Known, Listener, LoadBalancer, Severity, SourceKind, Status,
    TlsNegotiationPolicy,
};
use serde_json::json;

/// The rule.
pub struct ElbTlsPolicyOutdated;
/// Registered instance.
pub static RULE: ElbTlsPolicyOutdated = ElbTlsPolicyOutdated;

static META: Meta = Meta {
    id: "elb-tls-policy-outdated",
    title: "Load balancer TLS policy accepts SSL 3.0, TLS 1.0 or TLS 1.1",
    severity: Severity::Medium,
    domain: Domain::DataProtection,
    service: "elb",
    wa: &["SEC09-BP02"],
    cis: &[],
    rationale: "SSL 3.0, TLS 1.0 and TLS 1.1 have known weaknesses (POODLE, BEAST, SHA-1 and \
        CBC-only cipher suites) and are deprecated by RFC 8996. A load balancer that still \
        negotiates them lets a client, or an attacker in the path forcing a downgrade, use them.",
    console: "Classic Load Balancer: EC2 console > Load Balancers > select it > Listeners > \
        the HTTPS/SSL listener > Security policy: Edit > Predefined security policy \
        ELBSecurityPolicy-TLS-1-2-2017-01 > Save. Application or Network Load Balancer: \
        Listeners and rules > the HTTPS/TLS listener > Edit > Security policy \
        ELBSecurityPolicy-TLS13-1-2-2021-06 > Save.",
    cli: "aws elb create-load-balancer-policy --load-balancer-name <lb> --policy-name tls-1-2 \\\n  \
        --policy-type-name SSLNegotiationPolicyType \\\n  \
        --policy-attributes AttributeName=Reference-Security-Policy,AttributeValue=ELBSecurityPolicy-TLS-1-2-2017-01\n\
        aws elb set-load-balancer-policies-of-listener --load-balancer-name <lb> \\\n  \
        --load-balancer-port 443 --policy-names tls-1-2\n\
        aws elbv2 modify-listener --listener-arn <arn> --ssl-policy ELBSecurityPolicy-TLS13-1-2-2021-06",
    terraform: "resource \"aws_load_balancer_policy\" \"tls\" {\n  \
        load_balancer_name = aws_elb.web.name\n  \
        policy_name        = \"tls-1-2\"\n  \
        policy_type_name   = \"SSLNegotiationPolicyType\"\n  \
        policy_attribute {\n    \
        name  = \"Reference-Security-Policy\"\n    \
        value = \"ELBSecurityPolicy-TLS-1-2-2017-01\"\n  \
        }\n}\n\n\
        resource \"aws_load_balancer_listener_policy\" \"https\" {\n  \
        load_balancer_name = aws_elb.web.name\n  \
        load_balancer_port = 443\n  \
        policy_names       = [aws_load_balancer_policy.tls.policy_name]\n}\n\n\
        # ALB / NLB listener\n\
        resource \"aws_lb_listener\" \"https\" {\n  \
        # ...\n  \
        ssl_policy = \"ELBSecurityPolicy-TLS13-1-2-2021-06\"\n}",
    docs: "## What it does\n\
        Judges the TLS negotiation of load balancers:\n\
        - each Classic Load Balancer SSL negotiation policy (`SSLNegotiationPolicyType`): it \
        fails when it enables `Protocol-SSLv2`, `Protocol-SSLv3`, `Protocol-TLSv1` or \
        `Protocol-TLSv1.1`, or when its `Reference-Security-Policy` is a predefined policy \
        older than `ELBSecurityPolicy-TLS-1-2-2017-01` (all of them allow TLS 1.0 or 1.1). A \
        protocol attribute whose value is neither `true` nor `false`, or a reference policy \
        that is not a predefined name, is *unknown*. In a snapshot only the policies a \
        listener uses are judged; in Terraform and CloudFormation every declared policy is \
        (the listener that uses it may be declared elsewhere).\n\
        - each HTTPS or TLS listener of an Application or Network Load Balancer that names an \
        `ssl_policy`: a predefined policy whose name carries `TLS-1-2`, `TLS13-1-2`, \
        `TLS13-1-3` or `FS-1-2` passes; any other predefined `ELBSecurityPolicy-*` \
        (`2016-08`, `TLS-1-1-2017-01`, `TLS13-1-0-2021-06`, `FS-1-1-2019-08`…) allows TLS \
        1.0 or 1.1 and fails. A listener that names no policy is not judged.\n\
        - each HTTPS or SSL listener of a Classic Load Balancer that uses no SSL negotiation \
        policy (none named on the listener, none set on its port): Elastic Load Balancing \
        gives it the default `ELBSecurityPolicy-2016-08`, which enables TLS 1.0 and 1.1, so it \
        fails. A listener whose policy cannot be resolved is not judged this way.\n\n\
        One finding per failing policy or listener; a load balancer with none passes. Load \
        balancers without an HTTPS, SSL or TLS listener or policy are not reported. Ciphers \
        are not judged.\n\n\
        ## Why is this bad?\n\
        SSL 3.0 is broken (POODLE); TLS 1.0 and 1.1 are deprecated (RFC 8996) and rely on \
        SHA-1 and CBC constructions. Encryption in transit is only as strong as the oldest \
        protocol the server accepts, since a downgrade can force it (SEC09-BP02).\n\n\
        ## How to fix\n\
        Classic Load Balancer: create a policy that references \
        `ELBSecurityPolicy-TLS-1-2-2017-01` and set it on the HTTPS/SSL listeners (or move to \
        an ALB or NLB). ALB/NLB: set the listener's security policy to \
        `ELBSecurityPolicy-TLS13-1-2-2021-06` (or another TLS 1.2+ policy). Check first that \
        no client still needs TLS 1.0/1.1.\n\n\
        ## References\n\
        - Elastic Load Balancing, User Guide for Classic Load Balancers: Predefined SSL \
        security policies for Classic Load Balancers (the protocols each predefined policy \
        enables; `ELBSecurityPolicy-TLS-1-2-2017-01` is the only one limited to TLS 1.2)\n\
        - Elastic Load Balancing, User Guide for Classic Load Balancers: SSL negotiation \
        configurations (`Protocol-*` and `Reference-Security-Policy` attributes)\n\
        - Elastic Load Balancing, User Guide for Classic Load Balancers: Update the SSL \
        negotiation configuration (an HTTPS/SSL listener created without a security policy \
        gets the default `ELBSecurityPolicy-2016-08`)\n\
        - Elastic Load Balancing, User Guide for Application Load Balancers and for Network \
        Load Balancers: Security policies (the TLS versions of each predefined policy)\n\
        - AWS Security Hub controls: ELB.8 Classic Load Balancers with SSL listeners should \
        use a predefined security policy that has strong AWS Configuration\n\
        - RFC 8996: Deprecating TLS 1.0 and TLS 1.1\n\
        - Well-Architected SEC09-BP02 Enforce encryption in transit\n",
    since: "0.2.0",
};

/// Protocol switches of a Classic SSL negotiation policy older than TLS 1.2.
const OLD_PROTOCOLS: &[&str] = &[
    "Protocol-SSLv2",
    "Protocol-SSLv3",
    "Protocol-TLSv1",
    "Protocol-TLSv1.1",
];

/// Whether a predefined ELB security policy allows a protocol older than
/// TLS 1.2: `Some(false)` for the TLS 1.2+ families, `Some(true)` for any
/// other predefined name, `None` for a name that is not predefined.
pub(crate) fn predefined_allows_old(name: &str) -> Option<bool> {
    let modern = ["TLS-1-2", "TLS13-1-2", "TLS13-1-3", "FS-1-2"];
    if !(name.starts_with("ELBSecurityPolicy-") || name.starts_with("ELBSample-")) {
        return None;
    }
    Some(!modern.iter().any(|m| name.contains(m)))
}

enum Verdict {
    Ok,
    Old(String),
    Unknown(String),
}

/// A Classic Load Balancer SSL negotiation policy.
fn classic_verdict(p: &TlsNegotiationPolicy) -> Verdict {
    let mut enabled = Vec::new();
    for (k, v) in &p.protocols {
        match v.to_ascii_lowercase().as_str() {
            "true" => {
                if OLD_PROTOCOLS.iter().any(|o| o.eq_ignore_ascii_case(k)) {
                    enabled.push(k.trim_start_matches("Protocol-").to_owned());
                }
            }
            "false" => {}
            _ => {
                return Verdict::Unknown(format!("{k} is set to {v:?}, which is not true or false"))
            }
        }
    }
    if !enabled.is_empty() {
        return Verdict::Old(format!("enables {}", enabled.join(", ")));
    }
    match p.reference_policy.as_deref() {
        Some(r) => match predefined_allows_old(r) {
            Some(true) => Verdict::Old(format!(
                "references {r}, which allows protocols older than TLS 1.2"
            )),
            Some(false) => Verdict::Ok,
            None => Verdict::Unknown(format!("references {r:?}, not a predefined policy name")),
        },
        None if p.protocols.is_empty() => {
            Verdict::Unknown("names neither protocols nor a reference policy".to_owned())
        }
        None => Verdict::Ok,
    }
}

/// The policy Elastic Load Balancing associates with a Classic HTTPS/SSL
/// listener created without one (Classic Load Balancer guide, "Update the
/// SSL negotiation configuration"); it enables TLS 1.0, 1.1 and 1.2.
const DEFAULT_CLASSIC_POLICY: &str = "ELBSecurityPolicy-2016-08";

/// HTTPS/SSL listeners of a Classic Load Balancer that use no policy: none
/// named on the listener, and no known policy set on its port. Needs the
/// listeners and the policies known (a snapshot's listener names its
/// policies itself).
fn listeners_without_policy(lb: &LoadBalancer) -> Vec<(&Listener, String)> {
    let Known::Known(ls) = &lb.listeners else {
        return Vec::new();
    };
    let policies = lb.tls_policies.get();
    if policies.is_none() && from_file(lb) {
        return Vec::new();
    }
    ls.iter()
        .filter(|l| matches!(l.protocol.to_ascii_uppercase().as_str(), "HTTPS" | "SSL"))
        .filter(|l| l.policy_names.is_empty())
        .filter(|l| {
            !policies.is_some_and(|ps| {
                ps.iter()
                    .any(|p| l.port.is_some_and(|port| p.listener_ports.contains(&port)))
            })
        })
        .filter_map(|l| l.port.map(|p| (l, p.to_string())))
        .collect()
}

fn from_file(lb: &LoadBalancer) -> bool {
    matches!(
        lb.resource.source,
        Some(SourceKind::Terraform | SourceKind::Cloudformation)
    )
}

impl Rule for ElbTlsPolicyOutdated {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for lb in &inv.load_balancers {
            let (mut failed, mut judged, mut unknown) = (false, 0usize, None::<String>);
            if lb.kind == "classic" {
                for (l, port) in listeners_without_policy(lb) {
                    judged += 1;
                    failed = true;
                    out.report(
                        Status::Fail,
                        lb.resource.clone(),
                        l.location.clone().or_else(|| lb.location.clone()),
                        format!(
                            "{} listener on port {port} of Classic Load Balancer {} names no SSL negotiation policy, so it gets AWS's default {DEFAULT_CLASSIC_POLICY}, which allows TLS 1.0 and 1.1",
                            l.protocol, lb.name
                        ),
                        json!({
                            "load_balancer": lb.name,
                            "port": l.port,
                            "protocol": l.protocol,
                            "policy_names": l.policy_names,
                            "default_policy": DEFAULT_CLASSIC_POLICY,
                        }),
                        &format!("listener/{port}"),
                    );
                }
                let tls_listeners = lb.listeners.get().is_some_and(|ls| {
                    ls.iter().any(|l| {
                        matches!(l.protocol.to_ascii_uppercase().as_str(), "HTTPS" | "SSL")
                    })
                });
                match &lb.tls_policies {
                    Known::Unknown(r) => {
                        if tls_listeners {
                            unknown = Some(format!("SSL negotiation policies unknown: {r}"));
                        }
                    }
                    Known::Known(ps) => {
                        for p in ps
                            .iter()
                            .filter(|p| from_file(lb) || !p.listener_ports.is_empty())
                        {
                            judged += 1;
                            match classic_verdict(p) {
                                Verdict::Ok => {}
                                Verdict::Unknown(r) => {
                                    unknown = Some(format!("policy {}: {r}", p.name));
                                }
                                Verdict::Old(why) => {
                                    failed = true;
                                    let used = if p.listener_ports.is_empty() {
                                        "no listener of this configuration uses it yet".to_owned()
                                    } else {
                                        format!(
                                            "used on port {}",
                                            p.listener_ports
                                                .iter()
                                                .map(u16::to_string)
                                                .collect::<Vec<_>>()
                                                .join(", ")
                                        )
                                    };
                                    out.report(
                                        Status::Fail,
                                        lb.resource.clone(),
                                        p.location.clone().or_else(|| lb.location.clone()),
                                        format!(
                                            "SSL negotiation policy {} of Classic Load Balancer {} {why} ({used})",
                                            p.name, lb.name
                                        ),
                                        json!({
                                            "load_balancer": lb.name,
                                            "policy": p.name,
                                            "reference_policy": p.reference_policy,
                                            "protocols": p.protocols,
                                            "listener_ports": p.listener_ports,
                                        }),
                                        &format!("policy/{}", p.name),
                                    );
                                }
                            }
                        }
                    }
                }
            } else if let Known::Known(ls) = &lb.listeners {
                for l in ls
                    .iter()
                    .filter(|l| matches!(l.protocol.to_ascii_uppercase().as_str(), "HTTPS" | "TLS"))
                {
                    let Some(policy) = l.ssl_policy.as_deref() else {
                        continue;
                    };
                    judged += 1;
                    let port = l
                        .port
                        .map(|p| p.to_string())
                        .unwrap_or_else(|| "?".to_owned());
                    match predefined_allows_old(policy) {
                        Some(false) => {}
                        None => {
                            unknown = Some(format!(
                                "{} listener on port {port}: {policy:?} is not a predefined policy name",
                                l.protocol
                            ));
                        }
                        Some(true) => {
                            failed = true;
                            out.report(
                                Status::Fail,
                                lb.resource.clone(),
                                l.location.clone().or_else(|| lb.location.clone()),
                                format!(
                                    "{} listener on port {port} of load balancer {} uses {policy}, which allows protocols older than TLS 1.2",
                                    l.protocol, lb.name
                                ),
                                json!({
                                    "load_balancer": lb.arn,
                                    "kind": lb.kind,
                                    "listener": l.arn,
                                    "port": l.port,
                                    "protocol": l.protocol,
                                    "ssl_policy": policy,
                                }),
                                &format!(
                                    "listener/{}",
                                    if l.arn.is_empty() { port.as_str() } else { l.arn.as_str() }
                                ),
                            );
                        }
                    }
                }
            }
            match (failed, unknown, judged) {
                (true, _, _) => {}
                (false, Some(r), _) => out.unknown(lb, r),
                (false, None, 0) => {}
                (false, None, n) => out.pass(
                    lb,
                    format!(
                        "{n} TLS {} judged; none accepts a protocol older than TLS 1.2",
                        if n == 1 { "policy" } else { "policies" }
                    ),
                ),
            }
        }
    }
}
