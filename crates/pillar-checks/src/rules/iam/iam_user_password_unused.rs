//! `iam-user-password-unused`

use super::util::{age_days, user_views};
use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Known, Severity, Status};
use serde_json::{json, Value};

/// The rule.
pub struct IamUserPasswordUnused;
/// Registered instance.
pub static RULE: IamUserPasswordUnused = IamUserPasswordUnused;

/// Passwords unused for longer than this many days fail.
const MAX_IDLE_DAYS: i64 = 90;

static META: Meta = Meta {
    id: "iam-user-password-unused",
    title: "IAM user console password unused for 90 days",
    severity: Severity::Medium,
    domain: Domain::IdentityAccess,
    service: "iam",
    wa: &["SEC03-BP06"],
    cis: &["1.12"],
    rationale: "A console password nobody uses still opens the console to whoever guesses, \
        phishes or finds it, and its owner will not notice the sign-ins.",
    console: "IAM > Users > the user > Security credentials > Console sign-in > Manage console \
        access > Disable. Delete the user entirely if it has no other use.",
    cli: "aws iam delete-login-profile --user-name <USER>",
    terraform: "# Remove the aws_iam_user_login_profile resource of the user, then terraform apply:\n\
        # resource \"aws_iam_user_login_profile\" \"<user>\" { ... }   <- delete",
    docs: "## What it does\n\
        For every IAM user with a console password, fails when the password was last used more \
        than 90 days before collection, or was never used and the user was created more than 90 \
        days before. Uses the collected user, else the credential report's `password_last_used`.\n\n\
        ## Why is this bad?\n\
        Dormant sign-in credentials serve no one and are an easy target; compromises of dormant \
        accounts go unnoticed because nobody expects activity. CIS 1.12 asks for credentials \
        unused for 45 days or more to be disabled; pillar uses 90 days, so a pass here is not by \
        itself a CIS 1.12 pass.\n\n\
        ## How to fix\n\
        Remove the console password (the login profile) of users that no longer sign in, and \
        delete users that are not needed at all.\n\n\
        ## References\n\
        - AWS IAM User Guide: Finding unused AWS credentials\n\
        - CIS AWS Foundations Benchmark v3.0, 1.12\n\
        - Well-Architected SEC03-BP06 Manage access based on lifecycle\n",
    since: "0.1.0",
};

impl Rule for IamUserPasswordUnused {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        let now = inv.now();
        for u in user_views(inv) {
            match u.password_enabled() {
                Known::Known(false) => {
                    u.report(
                        out,
                        Status::Pass,
                        "user has no console password",
                        Value::Null,
                    );
                    continue;
                }
                Known::Unknown(reason) => {
                    u.report(out, Status::Unknown, reason, Value::Null);
                    continue;
                }
                Known::Known(true) => {}
            }
            match (u.password_last_used(), u.created()) {
                (Known::Known(Some(used)), _) => {
                    let days = age_days(now, used);
                    if days > MAX_IDLE_DAYS {
                        u.report(
                            out,
                            Status::Fail,
                            format!("console password of {} unused for {days} days", u.name),
                            json!({ "user": u.name, "password_last_used": used, "days_unused": days }),
                        );
                    } else {
                        u.report(
                            out,
                            Status::Pass,
                            format!("console password used in the last {MAX_IDLE_DAYS} days"),
                            Value::Null,
                        );
                    }
                }
                (Known::Known(None), Some(created)) => {
                    let days = age_days(now, created);
                    if days > MAX_IDLE_DAYS {
                        u.report(
                            out,
                            Status::Fail,
                            format!("console password of {} never used; user created {days} days ago", u.name),
                            json!({ "user": u.name, "password_last_used": null, "user_created": created, "age_days": days }),
                        );
                    } else {
                        u.report(
                            out,
                            Status::Pass,
                            format!("console password not yet used; user created {days} days ago"),
                            Value::Null,
                        );
                    }
                }
                (Known::Known(None), None) => u.report(
                    out,
                    Status::Unknown,
                    "password never used and user creation date unknown",
                    Value::Null,
                ),
                (Known::Unknown(reason), _) => u.report(out, Status::Unknown, reason, Value::Null),
            }
        }
    }
}
