//! One test per step of the decision procedure (IAM_EVALUATION.md §3–4).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use pillar_iam::{evaluate, Outcome, Policy, PolicyKind, PolicySet, Request};

fn p(text: &str) -> Policy {
    Policy::parse(text, Some("t.json")).unwrap()
}

fn allow(action: &str, resource: &str) -> Policy {
    p(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"{action}","Resource":"{resource}"}}]}}"#
    ))
}

fn grant_to(principal: &str, action: &str) -> Policy {
    p(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"G","Effect":"Allow","Principal":{{"AWS":"{principal}"}},"Action":"{action}","Resource":"*"}}]}}"#
    ))
}

const USER: &str = "arn:aws:iam::111111111111:user/u";
const ROLE: &str = "arn:aws:iam::111111111111:role/r";
const SESSION: &str = "arn:aws:sts::111111111111:assumed-role/r/s";
const OBJ: &str = "arn:aws:s3:::b/k";

fn req(principal: &str, action: &str, resource: &str, account: &str) -> Request {
    let mut r = Request::new(principal, action, resource);
    r.resource_account = Some(account.to_owned());
    r
}

#[test]
fn explicit_deny_anywhere_wins_and_names_the_statement() {
    let id = allow("s3:*", "*");
    let scp = p(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"NoGet","Effect":"Deny","Action":"s3:GetObject","Resource":"*"}]}"#,
    );
    let set = PolicySet {
        identity: vec![&id],
        scps: vec![vec![&scp]],
        ..PolicySet::default()
    };
    let d = evaluate(&req(USER, "s3:GetObject", OBJ, "111111111111"), &set);
    assert_eq!(d.outcome, Outcome::ExplicitlyDenied);
    assert_eq!(d.blocked_by, vec![PolicyKind::Scp]);
    assert_eq!(d.statements[0].statement.sid.as_deref(), Some("NoGet"));
    assert_eq!(d.statements[0].statement.line, 1);
}

#[test]
fn every_scp_level_must_allow() {
    let id = allow("*", "*");
    let all = allow("*", "*");
    let ec2 = allow("ec2:*", "*");
    let set = PolicySet {
        identity: vec![&id],
        scps: vec![vec![&all], vec![&ec2]],
        ..PolicySet::default()
    };
    let d = evaluate(&req(USER, "s3:GetObject", OBJ, "111111111111"), &set);
    assert_eq!(d.outcome, Outcome::ImplicitlyDenied);
    assert_eq!(d.blocked_by, vec![PolicyKind::Scp]);
    // service-linked roles are not bound by SCPs
    let slr = "arn:aws:iam::111111111111:role/aws-service-role/x.amazonaws.com/AWSServiceRoleForX";
    assert_eq!(
        evaluate(&req(slr, "s3:GetObject", OBJ, "111111111111"), &set).outcome,
        Outcome::Allowed
    );
}

#[test]
fn same_account_resource_policy_naming_the_user_grants_alone() {
    let rp = grant_to(USER, "s3:GetObject");
    let pb = allow("ec2:*", "*");
    let set = PolicySet {
        resource: vec![&rp],
        boundary: vec![&pb],
        ..PolicySet::default()
    };
    assert_eq!(
        evaluate(&req(USER, "s3:GetObject", OBJ, "111111111111"), &set).outcome,
        Outcome::Allowed
    );
}

#[test]
fn resource_policy_naming_the_role_still_needs_the_boundary() {
    let rp = grant_to(ROLE, "s3:GetObject");
    let pb = allow("ec2:*", "*");
    let with_pb = PolicySet {
        resource: vec![&rp],
        boundary: vec![&pb],
        ..PolicySet::default()
    };
    let d = evaluate(&req(SESSION, "s3:GetObject", OBJ, "111111111111"), &with_pb);
    assert_eq!(d.outcome, Outcome::ImplicitlyDenied);
    assert_eq!(d.blocked_by, vec![PolicyKind::Boundary]);
    let no_pb = PolicySet {
        resource: vec![&rp],
        ..PolicySet::default()
    };
    assert_eq!(
        evaluate(&req(SESSION, "s3:GetObject", OBJ, "111111111111"), &no_pb).outcome,
        Outcome::Allowed
    );
}

#[test]
fn account_root_in_a_resource_policy_only_delegates() {
    let rp = grant_to("arn:aws:iam::111111111111:root", "s3:GetObject");
    let set = PolicySet {
        resource: vec![&rp],
        ..PolicySet::default()
    };
    let d = evaluate(&req(USER, "s3:GetObject", OBJ, "111111111111"), &set);
    assert_eq!(d.outcome, Outcome::ImplicitlyDenied);
    assert_eq!(d.blocked_by, vec![PolicyKind::Identity]);
}

#[test]
fn cross_account_needs_both_sides() {
    let other = "arn:aws:iam::222222222222:user/x";
    let id = allow("s3:GetObject", "*");
    let rp = grant_to("222222222222", "s3:GetObject");
    let only_id = PolicySet {
        identity: vec![&id],
        ..PolicySet::default()
    };
    assert_eq!(
        evaluate(&req(other, "s3:GetObject", OBJ, "111111111111"), &only_id).outcome,
        Outcome::ImplicitlyDenied
    );
    let only_rp = PolicySet {
        resource: vec![&rp],
        ..PolicySet::default()
    };
    assert_eq!(
        evaluate(&req(other, "s3:GetObject", OBJ, "111111111111"), &only_rp).outcome,
        Outcome::ImplicitlyDenied
    );
    let both = PolicySet {
        identity: vec![&id],
        resource: vec![&rp],
        ..PolicySet::default()
    };
    assert_eq!(
        evaluate(&req(other, "s3:GetObject", OBJ, "111111111111"), &both).outcome,
        Outcome::Allowed
    );
}

#[test]
fn kms_keys_and_role_trust_need_the_resource_policy() {
    let id = allow("*", "*");
    let key = "arn:aws:kms:eu-west-1:111111111111:key/k";
    let only_id = PolicySet {
        identity: vec![&id],
        ..PolicySet::default()
    };
    assert_eq!(
        evaluate(&req(USER, "kms:Decrypt", key, "111111111111"), &only_id).outcome,
        Outcome::ImplicitlyDenied
    );
    assert_eq!(
        evaluate(&req(USER, "sts:AssumeRole", ROLE, "111111111111"), &only_id).outcome,
        Outcome::ImplicitlyDenied
    );
    let kp = grant_to("arn:aws:iam::111111111111:root", "kms:*");
    let with_key_policy = PolicySet {
        identity: vec![&id],
        resource: vec![&kp],
        ..PolicySet::default()
    };
    assert_eq!(
        evaluate(
            &req(USER, "kms:Decrypt", key, "111111111111"),
            &with_key_policy
        )
        .outcome,
        Outcome::Allowed
    );
}

#[test]
fn session_policies_and_federated_users() {
    let id = allow("s3:*", "*");
    let sp = allow("ec2:*", "*");
    let set = PolicySet {
        identity: vec![&id],
        session: vec![&sp],
        ..PolicySet::default()
    };
    let d = evaluate(&req(SESSION, "s3:GetObject", OBJ, "111111111111"), &set);
    assert_eq!(d.blocked_by, vec![PolicyKind::Session]);
    let fed = "arn:aws:sts::111111111111:federated-user/f";
    let no_session = PolicySet {
        identity: vec![&id],
        ..PolicySet::default()
    };
    assert_eq!(
        evaluate(&req(fed, "s3:GetObject", OBJ, "111111111111"), &no_session).outcome,
        Outcome::ImplicitlyDenied
    );
}

#[test]
fn anonymous_callers_need_a_public_resource_policy() {
    let public = p(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#,
    );
    let mut r = req("", "s3:GetObject", OBJ, "111111111111");
    r.principal = pillar_iam::RequestPrincipal::anonymous();
    let none = PolicySet::default();
    assert_eq!(evaluate(&r, &none).outcome, Outcome::ImplicitlyDenied);
    let set = PolicySet {
        resource: vec![&public],
        ..PolicySet::default()
    };
    assert_eq!(evaluate(&r, &set).outcome, Outcome::Allowed);
    // a trust policy open to {"AWS": "*"} still needs a signed caller
    let trust = p(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#,
    );
    let mut assume = req("", "sts:AssumeRole", ROLE, "111111111111");
    assume.principal = pillar_iam::RequestPrincipal::anonymous();
    let set = PolicySet {
        resource: vec![&trust],
        ..PolicySet::default()
    };
    assert_eq!(evaluate(&assume, &set).outcome, Outcome::ImplicitlyDenied);
}

#[test]
fn not_principal_deny_always_applies_to_bounded_principals() {
    let rp = p(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111111111111:role/r"},"Action":"s3:*","Resource":"*"}]}"#,
    );
    let id = allow("s3:*", "*");
    let pb = allow("*", "*");
    let unbounded = PolicySet {
        identity: vec![&id],
        resource: vec![&rp],
        ..PolicySet::default()
    };
    assert_eq!(
        evaluate(&req(ROLE, "s3:GetObject", OBJ, "111111111111"), &unbounded).outcome,
        Outcome::Allowed
    );
    let bounded = PolicySet {
        identity: vec![&id],
        resource: vec![&rp],
        boundary: vec![&pb],
        ..PolicySet::default()
    };
    assert_eq!(
        evaluate(&req(ROLE, "s3:GetObject", OBJ, "111111111111"), &bounded).outcome,
        Outcome::ExplicitlyDenied
    );
}
