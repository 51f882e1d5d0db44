//! `elbv2-internet-facing-without-waf`

use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Known, Service, Severity, SourceKind};
use serde_json::json;

/// The rule.
pub struct Elbv2InternetFacingWithoutWaf;
/// Registered instance.
pub static RULE: Elbv2InternetFacingWithoutWaf = Elbv2InternetFacingWithoutWaf;

static META: Meta = Meta {
    id: "elbv2-internet-facing-without-waf",
    title: "Internet-facing Application Load Balancer has no WAF web ACL",
    severity: Severity::Medium,
    domain: Domain::InfrastructureProtection,
    service: "elbv2",
    wa: &["SEC05-BP03", "SEC06-BP05"],
    cis: &[],
    rationale: "An internet-facing ALB is the front door of a web application. Without an AWS WAF \
        web ACL, injection, known-bad inputs, bots and request floods reach the application \
        unfiltered; managed rule groups and rate-based rules stop much of this at the edge.",
    console: "WAF & Shield console > Web ACLs > (Region of the ALB) > Create web ACL or select \
        one > Associated AWS resources > Add AWS resources > Application Load Balancer > select \
        the load balancer > Add. Start with the AWS managed Core rule set and a rate-based rule.",
    cli: "aws wafv2 associate-web-acl --region <region> \\\n  \
        --web-acl-arn <web-acl-arn> --resource-arn <load-balancer-arn>",
    terraform: "resource \"aws_wafv2_web_acl_association\" \"alb\" {\n  \
        resource_arn = aws_lb.public.arn\n  \
        web_acl_arn  = aws_wafv2_web_acl.main.arn\n}",
    docs: "## What it does\n\
        Reports internet-facing Application Load Balancers that no AWS WAF web ACL lists among \
        its associated resources. It only judges a load balancer when the WAF web ACLs of its \
        Region were read (a load balancer declared in Terraform or CloudFormation is judged by \
        the associations the same configuration declares); otherwise, or when an ACL's \
        associations are unknown, the result is *unknown*. Network and Gateway Load Balancers are skipped because WAF cannot attach to \
        them; internal ALBs are skipped.\n\n\
        ## Why is this bad?\n\
        Security groups filter ports, not requests. Web-layer inspection (SQL injection, XSS, \
        known bad inputs, IP reputation, rate limits) needs WAF or an equivalent in front of \
        the application.\n\n\
        ## How to fix\n\
        Create a regional web ACL with AWS managed rule groups and a rate-based rule, and \
        associate it with the load balancer (or front the ALB with CloudFront plus WAF and \
        restrict the ALB to CloudFront).\n\n\
        ## References\n\
        - AWS WAF Developer Guide: Associating or disassociating a web ACL with an AWS resource\n\
        - AWS WAF Developer Guide: AWS Managed Rules rule groups list\n\
        - Well-Architected SEC05-BP03 Implement inspection-based protection; SEC06-BP05 \
        Automate compute protection\n",
    since: "0.1.0",
};

impl Rule for Elbv2InternetFacingWithoutWaf {
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
            let region = lb.resource.region.as_deref().unwrap_or("");
            // A load balancer declared in Terraform or CloudFormation is
            // judged by the web ACL associations the same configuration
            // declares.
            let iac = matches!(
                lb.resource.source,
                Some(SourceKind::Terraform) | Some(SourceKind::Cloudformation)
            );
            if !iac && !inv.covers(Service::Waf, region) {
                out.unknown(
                    lb,
                    format!(
                        "WAF web ACLs were not read for region {}",
                        if region.is_empty() {
                            "(unknown)"
                        } else {
                            region
                        }
                    ),
                );
                continue;
            }
            let ids = [lb.arn.as_str(), lb.resource.id.as_str()];
            let mut unknown = Vec::new();
            let mut protected_by = Vec::new();
            for acl in &inv.web_acls {
                if acl.scope.eq_ignore_ascii_case("CLOUDFRONT") {
                    continue;
                }
                if acl
                    .resource
                    .region
                    .as_deref()
                    .is_some_and(|r| !region.is_empty() && r != region)
                {
                    continue;
                }
                match &acl.associated_resources {
                    Known::Known(list) => {
                        if list
                            .iter()
                            .any(|a| !a.is_empty() && ids.contains(&a.as_str()))
                        {
                            protected_by.push(if acl.name.is_empty() {
                                acl.arn.clone()
                            } else {
                                acl.name.clone()
                            });
                        }
                    }
                    Known::Unknown(r) => unknown.push(format!(
                        "associations of web ACL {} unknown: {r}",
                        if acl.name.is_empty() {
                            &acl.arn
                        } else {
                            &acl.name
                        }
                    )),
                }
            }
            if !protected_by.is_empty() {
                out.pass(
                    lb,
                    format!("protected by web ACL {}", protected_by.join(", ")),
                );
            } else if !unknown.is_empty() {
                out.unknown(lb, unknown.join("; "));
            } else {
                out.fail(
                    lb,
                    format!("internet-facing ALB {} has no WAF web ACL", lb.name),
                    json!({
                        "load_balancer": lb.arn,
                        "name": lb.name,
                        "dns_name": lb.dns_name,
                        "regional_web_acls_checked": inv.web_acls.iter()
                            .filter(|a| !a.scope.eq_ignore_ascii_case("CLOUDFRONT"))
                            .map(|a| a.name.clone()).collect::<Vec<_>>(),
                    }),
                );
            }
        }
    }
}
