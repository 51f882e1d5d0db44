//! `cloudtrail-trail-single-region`

use super::util::{trail_account, unique_trails};
use crate::meta::{Meta, Rule};
use crate::out::Out;
use crate::rules::iam::util::same_account;
use pillar_model::{Domain, Inventory, Known, Severity, Trail};
use serde_json::json;

/// The rule.
pub struct CloudtrailTrailSingleRegion;
/// Registered instance.
pub static RULE: CloudtrailTrailSingleRegion = CloudtrailTrailSingleRegion;

static META: Meta = Meta {
    id: "cloudtrail-trail-single-region",
    title: "CloudTrail trail records one region and no multi-region trail is known",
    severity: Severity::Low,
    domain: Domain::Detection,
    service: "cloudtrail",
    wa: &["SEC04-BP01"],
    cis: &["3.1"],
    rationale: "A single-region trail records API calls made in its home region only. Unless a \
        multi-region trail also covers the account, calls made in any other region, where an \
        attacker can start instances or create keys unseen, leave no record.",
    console: "CloudTrail > Trails > the trail > General details: Edit > Multi-region trail: \
        Enabled (this also turns on global service events) > Save changes.",
    cli: "aws cloudtrail update-trail --name <trail> --is-multi-region-trail \
        --include-global-service-events",
    terraform: "resource \"aws_cloudtrail\" \"main\" {\n  \
        # ...\n  \
        is_multi_region_trail         = true\n  \
        include_global_service_events = true\n}",
    docs: "## What it does\n\
        Judges each trail, where `cloudtrail-multi-region-missing` judges the account. A \
        multi-region trail passes. A single-region trail (`IsMultiRegionTrail` false, which is \
        also the default in Terraform and CloudFormation) fails, unless a multi-region trail \
        of the same account, or an organization trail, is known in the same inventory: then \
        it is a regional trail beside one that covers every region (for example for data \
        events) and passes. A trail whose multi-region setting is unresolved is *unknown*.\n\n\
        Why a second rule: a Terraform or CloudFormation configuration describes part of an \
        account, so whether the *account* has a multi-region trail cannot be answered from it \
        and `cloudtrail-multi-region-missing` stays *not assessed* there. This rule answers \
        what a pull request can: the trail it adds records one region and the change declares \
        nothing that covers the others. It is low severity because the account may already \
        have a multi-region trail elsewhere; in a snapshot it points at the trails to convert \
        when the account rule fails.\n\n\
        ## Why is this bad?\n\
        Activity in regions a trail does not record, including global services such as IAM \
        and STS, whose events CloudTrail delivers to trails that include global service \
        events, leaves no evidence for an investigation.\n\n\
        ## How to fix\n\
        Make the trail multi-region (CloudTrail then requires global service events too), or \
        rely on one organization or multi-region trail and keep regional trails for data \
        events only.\n\n\
        ## References\n\
        - AWS CloudTrail User Guide: Working with CloudTrail trails (multi-Region and \
        single-Region trails; global service events)\n\
        - AWS CloudTrail API Reference: CreateTrail, `IsMultiRegionTrail` (default false)\n\
        - AWS Security Hub controls: CloudTrail.1\n\
        - CIS AWS Foundations Benchmark v3.0, 3.1\n\
        - Well-Architected SEC04-BP01 Configure service and application logging\n",
    since: "0.2.0",
};

fn covers_all_regions(t: &Trail) -> bool {
    matches!(t.is_multi_region, Known::Known(true))
        || matches!(t.is_organization_trail, Known::Known(true))
}

impl Rule for CloudtrailTrailSingleRegion {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        let trails = unique_trails(inv);
        for t in &trails {
            match t.is_multi_region {
                Known::Known(true) => out.pass(*t, format!("trail {} is multi-region", t.name)),
                Known::Unknown(ref r) => {
                    out.unknown(*t, format!("multi-region setting unknown: {r}"));
                }
                Known::Known(false) => {
                    let cover = trails.iter().find(|o| {
                        o.arn != t.arn
                            && covers_all_regions(o)
                            && (same_account(trail_account(o), trail_account(t))
                                || matches!(o.is_organization_trail, Known::Known(true)))
                    });
                    match cover {
                        Some(o) => out.pass(
                            *t,
                            format!(
                                "trail {} is single-region; multi-region trail {} covers the other regions",
                                t.name, o.name
                            ),
                        ),
                        None => out.fail(
                            *t,
                            format!(
                                "trail {} records only its home region{}, and no multi-region trail is known",
                                t.name,
                                t.home_region
                                    .as_deref()
                                    .map(|r| format!(" ({r})"))
                                    .unwrap_or_default()
                            ),
                            json!({ "trail": t.arn, "is_multi_region": false }),
                        ),
                    }
                }
            }
        }
    }
}
