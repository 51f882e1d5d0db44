//! `elbv2-listener-plaintext-http`

use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Known, Severity, Status};
use serde_json::json;

/// The rule.
pub struct Elbv2ListenerPlaintextHttp;
/// Registered instance.
pub static RULE: Elbv2ListenerPlaintextHttp = Elbv2ListenerPlaintextHttp;

static META: Meta = Meta {
    id: "elbv2-listener-plaintext-http",
    title: "Internet-facing ALB serves plaintext HTTP without redirecting to HTTPS",
    severity: Severity::Medium,
    domain: Domain::DataProtection,
    service: "elbv2",
    wa: &["SEC09-BP02"],
    cis: &[],
    rationale: "An HTTP listener that forwards or answers requests carries cookies, tokens and \
        form data in clear text across the internet, open to interception and tampering. HTTP \
        listeners should only redirect to HTTPS.",
    console: "EC2 console > Load Balancers > select the ALB > Listeners and rules > the HTTP \
        listener > Actions > Edit listener > Default action: Redirect to URL, protocol HTTPS, \
        port 443, status 301 > Save. Add an HTTPS listener with an ACM certificate if missing.",
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
        Reports each `HTTP` listener of an internet-facing Application Load Balancer whose \
        default action is not a redirect. One finding per listener. Load balancers whose scheme \
        or listeners are unknown are *unknown*; internal and non-application load balancers are \
        skipped.\n\n\
        ## Why is this bad?\n\
        Plain HTTP offers no confidentiality or integrity: anyone on the path can read session \
        cookies and credentials or inject content. Redirecting HTTP to HTTPS keeps the \
        convenience of port 80 without serving content over it.\n\n\
        ## How to fix\n\
        Change the HTTP listener's default action to a redirect to HTTPS (301) and serve the \
        application from an HTTPS listener with a current TLS policy.\n\n\
        ## References\n\
        - Elastic Load Balancing User Guide for ALB: Listener rules (redirect actions)\n\
        - Elastic Load Balancing User Guide for ALB: Create an HTTPS listener\n\
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
            .filter(|lb| lb.kind == "application")
        {
            match lb.internet_facing() {
                Known::Known(false) => continue,
                Known::Known(true) => {}
                Known::Unknown(r) => {
                    out.unknown(lb, format!("scheme unknown: {r}"));
                    continue;
                }
            }
            let listeners = match &lb.listeners {
                Known::Known(l) => l,
                Known::Unknown(r) => {
                    out.unknown(lb, format!("listeners unknown: {r}"));
                    continue;
                }
            };
            let mut failed = false;
            for l in listeners
                .iter()
                .filter(|l| l.protocol.eq_ignore_ascii_case("HTTP"))
            {
                if l.default_actions
                    .iter()
                    .any(|a| a.eq_ignore_ascii_case("redirect"))
                {
                    continue;
                }
                failed = true;
                let port = l
                    .port
                    .map(|p| p.to_string())
                    .unwrap_or_else(|| "?".to_owned());
                out.report(
                    Status::Fail,
                    lb.resource.clone(),
                    lb.location.clone(),
                    format!(
                        "HTTP listener on port {port} serves traffic in plaintext ({})",
                        l.default_actions.join(", ")
                    ),
                    json!({
                        "load_balancer": lb.arn,
                        "listener": l.arn,
                        "port": l.port,
                        "protocol": l.protocol,
                        "default_actions": l.default_actions,
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
            if !failed {
                out.pass(lb, "no listener serves plaintext HTTP; HTTP only redirects");
            }
        }
    }
}
