//! `elbv2-listener-plaintext-http`

use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Known, Listener, Severity, Status};
use serde_json::json;

/// The rule.
pub struct Elbv2ListenerPlaintextHttp;
/// Registered instance.
pub static RULE: Elbv2ListenerPlaintextHttp = Elbv2ListenerPlaintextHttp;

static META: Meta = Meta {
    id: "elbv2-listener-plaintext-http",
    title: "Load balancer serves plaintext HTTP without redirecting to HTTPS",
    severity: Severity::Medium,
    domain: Domain::DataProtection,
    service: "elbv2",
    wa: &["SEC09-BP02"],
    cis: &[],
    rationale: "An HTTP listener that forwards or answers requests carries cookies, tokens and \
        form data in clear text, open to interception and tampering on every network it \
        crosses, the VPC included. HTTP listeners should only redirect to HTTPS.",
    console: "EC2 console > Load Balancers > select the ALB > Listeners and rules > the HTTP \
        listener > Actions > Edit listener > Default action: Redirect to URL, protocol HTTPS, \
        port 443, status 301 > Save. Add an HTTPS listener with an ACM certificate if missing. \
        A Classic Load Balancer cannot redirect: replace its HTTP listener with an HTTPS one.",
    cli: "aws elbv2 modify-listener --listener-arn <http-listener-arn> \\\n  \
        --default-actions 'Type=redirect,RedirectConfig={Protocol=HTTPS,Port=443,StatusCode=HTTP_301}'",
    terraform: "resource \"aws_lb_listener\" \"http\" {\n  \
        load_balancer_arn = aws_lb.public.arn\n  \
        port              = 80\n  \
        protocol          = \"HTTP\"\n  \
        default_action {\n    \
        type = \"redirect\"\n    \
        redirect {\n      \
        protocol    = \"HTTPS\"\n      \
        port        = \"443\"\n      \
        status_code = \"HTTP_301\"\n    \
        }\n  \
        }\n}",
    docs: "## What it does\n\
        Reports each `HTTP` listener of an Application Load Balancer, internet-facing or \
        internal, whose default action is not a redirect to `HTTPS`, or one of whose listener \
        rules forwards, answers (`fixed-response`) or redirects elsewhere than `HTTPS` \
        (rules are evaluated in priority order before the default action, so a forwarding \
        rule serves the requests it matches in plaintext even when the default action \
        redirects), and each `HTTP` listener of a Classic Load Balancer (which cannot \
        redirect). A redirect that keeps the request's \
        protocol (`#{protocol}`, AWS's default when the redirect names none) or names `HTTP` \
        sends the client on over HTTP and fails. One finding per listener. Load balancers whose \
        listeners, whose redirect protocol, or whose redirecting HTTP listener's rules are \
        unknown (a snapshot without `elbv2-describe-rules/<listener>.json`) are *unknown*; network and gateway \
        load balancers are skipped.\n\n\
        ## Why is this bad?\n\
        Plain HTTP offers no confidentiality or integrity: anyone on the path can read session \
        cookies and credentials or inject content. Encryption in transit applies inside the VPC \
        as well as on the internet (SEC09-BP02), which is why AWS Security Hub's ELB.1 control \
        asks every Application Load Balancer, internal or not, to redirect HTTP to HTTPS. \
        Redirecting keeps the convenience of port 80 without serving content over it.\n\n\
        ## How to fix\n\
        Change the HTTP listener's default action to a redirect to HTTPS (301) and serve the \
        application from an HTTPS listener with a current TLS policy. On a Classic Load \
        Balancer, replace the HTTP listener with an HTTPS (or SSL) one, or move to an ALB.\n\n\
        ## References\n\
        - Elastic Load Balancing User Guide for ALB: Listener rules, redirect actions \
        (`Protocol`: HTTP, HTTPS or `#{protocol}`, the default)\n\
        - Elastic Load Balancing User Guide for ALB: Listener rules (rules are evaluated in \
        priority order, the default rule last)\n\
        - Elastic Load Balancing User Guide for ALB: Create an HTTPS listener\n\
        - AWS Security Hub controls: ELB.1 Application Load Balancer should be configured to \
        redirect all HTTP requests to HTTPS; ELB.3 Classic Load Balancer listeners should be \
        configured with HTTPS or TLS termination\n\
        - Well-Architected SEC09-BP02 Enforce encryption in transit\n",
    since: "0.1.0",
};

impl Rule for Elbv2ListenerPlaintextHttp {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for lb in inv
            .load_balancers
            .iter()
            .filter(|lb| lb.kind == "application" || lb.kind == "classic")
        {
            let listeners = match &lb.listeners {
                Known::Known(l) => l,
                Known::Unknown(r) => {
                    out.unknown(lb, format!("listeners unknown: {r}"));
                    continue;
                }
            };
            let scheme = match lb.internet_facing() {
                Known::Known(true) => "an internet-facing",
                Known::Known(false) => "an internal",
                Known::Unknown(_) => "a",
            };
            let (mut failed, mut unknown) = (false, None);
            for l in listeners
                .iter()
                .filter(|l| l.protocol.eq_ignore_ascii_case("HTTP"))
            {
                let port = l
                    .port
                    .map(|p| p.to_string())
                    .unwrap_or_else(|| "?".to_owned());
                let why = match verdict(&lb.kind, l) {
                    Verdict::Secure => continue,
                    Verdict::Unknown(r) => {
                        unknown = Some(format!("HTTP listener on port {port}: {r}"));
                        continue;
                    }
                    Verdict::Plain(why) => why,
                };
                failed = true;
                out.report(
                    Status::Fail,
                    lb.resource.clone(),
                    l.location.clone().or_else(|| lb.location.clone()),
                    format!(
                        "HTTP listener on port {port} of {scheme} {} {why}",
                        kind_name(&lb.kind)
                    ),
                    json!({
                        "load_balancer": lb.arn,
                        "kind": lb.kind,
                        "scheme": lb.scheme,
                        "listener": l.arn,
                        "port": l.port,
                        "protocol": l.protocol,
                        "default_actions": l.default_actions,
                        "redirect_protocol": l.redirect_protocol,
                    }),
                    &format!(
                        "listener/{}",
                        if l.arn.is_empty() {
                            port.as_str()
                        } else {
                            l.arn.as_str()
                        }
                    ),
                );
            }
            match (failed, unknown) {
                (true, _) => {}
                (false, Some(r)) => out.unknown(lb, r),
                (false, None) => out.pass(
                    lb,
                    "no listener serves plaintext HTTP; HTTP only redirects to HTTPS",
                ),
            }
        }
    }
}

enum Verdict {
    Secure,
    Plain(String),
    Unknown(String),
}

fn kind_name(kind: &str) -> &'static str {
    if kind == "classic" {
        "Classic Load Balancer"
    } else {
        "Application Load Balancer"
    }
}

/// Whether one HTTP listener keeps clients on plaintext HTTP.
fn verdict(kind: &str, l: &Listener) -> Verdict {
    if kind == "classic" {
        return Verdict::Plain(
            "takes plaintext HTTP, and a Classic Load Balancer cannot redirect".to_owned(),
        );
    }
    if !l
        .default_actions
        .iter()
        .any(|a| a.eq_ignore_ascii_case("redirect"))
    {
        return Verdict::Plain(format!(
            "serves traffic in plaintext ({})",
            if l.default_actions.is_empty() {
                "no default action".to_owned()
            } else {
                l.default_actions.join(", ")
            }
        ));
    }
    match redirect_verdict(l.redirect_protocol.as_deref()) {
        Verdict::Secure => {}
        other => return other,
    }
    // Rules are evaluated before the default action: one that forwards or
    // answers serves the requests it matches in plaintext.
    let rules = match &l.rules {
        Known::Known(r) => r,
        Known::Unknown(r) => {
            return Verdict::Unknown(format!(
                "redirects to HTTPS by default, but its listener rules are unknown ({r})"
            ))
        }
    };
    let mut unknown = None;
    for rule in rules {
        let name = match &rule.priority {
            Some(p) => format!("listener rule {} (priority {p})", rule.arn),
            None => format!("listener rule {}", rule.arn),
        };
        if !rule
            .actions
            .iter()
            .any(|a| a.eq_ignore_ascii_case("redirect"))
        {
            return Verdict::Plain(format!(
                "redirects to HTTPS by default, but {name} serves the requests it matches in plaintext ({})",
                if rule.actions.is_empty() {
                    "no action".to_owned()
                } else {
                    rule.actions.join(", ")
                }
            ));
        }
        match redirect_verdict(rule.redirect_protocol.as_deref()) {
            Verdict::Secure => {}
            Verdict::Plain(why) => {
                return Verdict::Plain(format!("redirects to HTTPS by default, but {name} {why}"))
            }
            Verdict::Unknown(r) => unknown = Some(format!("{name}: {r}")),
        }
    }
    match unknown {
        Some(r) => Verdict::Unknown(r),
        None => Verdict::Secure,
    }
}

/// A redirect action by its protocol.
fn redirect_verdict(protocol: Option<&str>) -> Verdict {
    match protocol {
        Some(p) if p.eq_ignore_ascii_case("HTTPS") => Verdict::Secure,
        Some("#{protocol}") => Verdict::Plain(
            "redirects keeping the request's protocol (#{protocol}), so over HTTP again".to_owned(),
        ),
        Some(p) => Verdict::Plain(format!("redirects to {p}, not HTTPS")),
        None => Verdict::Unknown("redirect protocol unknown".to_owned()),
    }
}
