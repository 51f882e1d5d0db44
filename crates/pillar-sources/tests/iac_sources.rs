//! Terraform and CloudFormation sources: evaluation, joins, unknowns,
//! locations, bad input.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use pillar_model::{Inventory, Known, SourceKind};
use pillar_sources::{cloudformation, load_paths, terraform, LoadOptions, Loaded};
use proptest::prelude::*;
use std::path::PathBuf;

fn tf(files: &[(&str, &str)], opts: &LoadOptions) -> Loaded {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    terraform::load(dir.path(), opts)
}

const SG: &str = r#"
variable "ssh_cidr" {}
variable "port" { default = 22 }
locals { open = ["0.0.0.0/0"] }

resource "aws_security_group" "web" {
  name = "web"
  ingress {
    from_port   = var.port
    to_port     = var.port
    protocol    = "tcp"
    cidr_blocks = [var.ssh_cidr]
  }
}

resource "aws_security_group_rule" "extra" {
  type              = "ingress"
  security_group_id = aws_security_group.web.id
  from_port         = 3389
  to_port           = 3389
  protocol          = "tcp"
  cidr_blocks       = local.open
}

resource "aws_ebs_volume" "maybe" {
  count             = 0
  availability_zone = "us-east-1a"
}
"#;

#[test]
fn unset_variable_is_unknown_and_rules_join() {
    let loaded = tf(&[("main.tf", SG)], &LoadOptions::default());
    assert!(loaded.skipped.is_empty(), "{:?}", loaded.skipped);
    let inv = &loaded.inventory;
    assert_eq!(inv.security_groups.len(), 1);
    let sg = &inv.security_groups[0];
    assert_eq!(sg.resource.id, "aws_security_group.web");
    assert_eq!(sg.resource.source, Some(SourceKind::Terraform));
    assert_eq!(sg.location.as_ref().unwrap().line, Some(6));
    assert_eq!(sg.ingress.len(), 2, "the rule resource joins its group");
    assert_eq!(
        sg.ingress[0].ipv4_ranges,
        Known::unknown("var.ssh_cidr is not set")
    );
    assert_eq!(sg.ingress[0].from_port, Known::Known(Some(22)));
    assert_eq!(
        sg.ingress[1].ipv4_ranges,
        Known::Known(vec!["0.0.0.0/0".to_owned()])
    );
    assert_eq!(sg.ingress[1].location.as_ref().unwrap().line, Some(16));
    assert!(inv.volumes.is_empty(), "count = 0 creates nothing");
    assert!(
        inv.coverage.is_empty(),
        "terraform marks no service collected"
    );
}

#[test]
fn var_flags_and_tfvars_follow_terraform_precedence() {
    let dir = tempfile::tempdir().unwrap();
    let extra = dir.path().join("extra.tfvars");
    std::fs::write(&extra, "port = 2222\n").unwrap();
    let opts = LoadOptions {
        tf_vars: vec![("ssh_cidr".to_owned(), "10.0.0.0/8".to_owned())],
        tf_var_files: vec![extra],
        ..LoadOptions::default()
    };
    let loaded = tf(
        &[
            ("main.tf", SG),
            ("terraform.tfvars", "port = 80\nssh_cidr = \"1.2.3.4/32\"\n"),
        ],
        &opts,
    );
    let sg = &loaded.inventory.security_groups[0];
    assert_eq!(
        sg.ingress[0].ipv4_ranges,
        Known::Known(vec!["10.0.0.0/8".to_owned()])
    );
    assert_eq!(sg.ingress[0].from_port, Known::Known(Some(2222)));
}

#[test]
fn split_bucket_resources_and_policy_documents() {
    let text = r#"
resource "aws_s3_bucket" "b" { bucket = "data-${terraform.workspace}" }
resource "aws_s3_bucket_versioning" "b" {
  bucket = aws_s3_bucket.b.id
  versioning_configuration { status = "Enabled" }
}
resource "aws_s3_bucket_policy" "b" {
  bucket = aws_s3_bucket.b.id
  policy = data.aws_iam_policy_document.p.json
}
data "aws_iam_policy_document" "p" {
  statement {
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.b.arn}/*"]
  }
}
resource "aws_iam_role" "r" {
  name               = "app"
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "*" } }] })
}
resource "aws_iam_role_policy" "r" {
  role   = aws_iam_role.r.name
  policy = <<EOT
{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
EOT
}
"#;
    let loaded = tf(&[("main.tf", text)], &LoadOptions::default());
    let inv: &Inventory = &loaded.inventory;
    let b = &inv.buckets[0];
    assert_eq!(b.name, "data-default");
    assert_eq!(b.versioning, Known::Known(Some("Enabled".to_owned())));
    let doc = b.policy.get().unwrap().as_ref().unwrap();
    assert!(doc.statements()[0].principal_is_public());
    assert_eq!(b.logging, Known::Known(None), "no logging declared: absent");
    let role = &inv.roles[0];
    assert!(role.assume_role_policy.get().unwrap().statements()[0].principal_is_public());
    assert!(role.inline_policies[0].document.statements()[0].is_full_admin());
}

#[test]
fn malformed_hcl_is_skipped_with_line() {
    let loaded = tf(
        &[
            (
                "bad.tf",
                "resource \"aws_vpc\" \"a\" {\n  cidr_block = \n}\n",
            ),
            ("ok.tf", "resource \"aws_vpc\" \"b\" {}\n"),
        ],
        &LoadOptions::default(),
    );
    assert_eq!(loaded.skipped.len(), 1);
    assert!(loaded.skipped[0].path.ends_with("bad.tf"));
    assert!(loaded.skipped[0].line.is_some());
    assert_eq!(loaded.inventory.vpcs.len(), 1, "the rest still loads");
    let binary = tf(&[("bin.tf", "\u{0}\u{1}\u{2}")], &LoadOptions::default());
    assert!(binary.skipped[0].reason.contains("binary"));
}

#[test]
fn cloudformation_parameters_conditions_and_joins() {
    let text = r#"
Parameters:
  Env: {Type: String, Default: dev}
Conditions:
  Prod: !Equals [!Ref Env, prod]
Resources:
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: x
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 22
          ToPort: 22
          CidrIp: !If [Prod, 10.0.0.0/8, 0.0.0.0/0]
  Extra:
    Type: AWS::EC2::SecurityGroupIngress
    Condition: Prod
    Properties:
      GroupId: !GetAtt Sg.GroupId
      IpProtocol: "-1"
      CidrIp: 0.0.0.0/0
"#;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.yaml");
    std::fs::write(&path, text).unwrap();
    assert!(cloudformation::is_template_path(&path));
    let loaded = cloudformation::load_file(&path, &LoadOptions::default());
    let sg = &loaded.inventory.security_groups[0];
    assert_eq!(sg.resource.source, Some(SourceKind::Cloudformation));
    assert_eq!(sg.location.as_ref().unwrap().line, Some(7));
    assert_eq!(sg.ingress.len(), 1, "the Prod-only rule is left out");
    assert_eq!(
        sg.ingress[0].ipv4_ranges,
        Known::Known(vec!["0.0.0.0/0".to_owned()])
    );
    let prod = LoadOptions {
        cfn_params: vec![("Env".to_owned(), "prod".to_owned())],
        ..LoadOptions::default()
    };
    let loaded = cloudformation::load_file(&path, &prod);
    let sg = &loaded.inventory.security_groups[0];
    assert_eq!(sg.ingress.len(), 2);
    assert_eq!(
        sg.ingress[0].ipv4_ranges,
        Known::Known(vec!["10.0.0.0/8".to_owned()])
    );
}

#[test]
fn plan_json_values_are_exact() {
    let plan = r#"{
      "format_version": "1.2",
      "terraform_version": "1.9.0",
      "planned_values": {"root_module": {"resources": [
        {"address": "aws_security_group.a", "mode": "managed", "type": "aws_security_group", "name": "a",
         "values": {"name": "a", "ingress": [{"from_port": 22, "to_port": 22, "protocol": "tcp",
                    "cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": []}]}}
      ], "child_modules": [{"resources": [
        {"address": "module.m.aws_ebs_volume.v", "mode": "managed", "type": "aws_ebs_volume", "name": "v",
         "values": {"encrypted": false}}
      ]}]}},
      "configuration": {"provider_config": {"aws": {"expressions": {"region": {"constant_value": "eu-west-1"}}}}}
    }"#;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.json");
    std::fs::write(&path, plan).unwrap();
    assert!(terraform::plan::is_plan_path(&path));
    let loaded = load_paths(std::slice::from_ref(&path), &LoadOptions::default());
    let inv = &loaded.inventory;
    assert_eq!(
        inv.security_groups[0].ingress[0].ipv4_ranges,
        Known::Known(vec!["0.0.0.0/0".to_owned()])
    );
    assert_eq!(
        inv.security_groups[0].resource.region.as_deref(),
        Some("eu-west-1")
    );
    assert_eq!(inv.volumes[0].resource.id, "module.m.aws_ebs_volume.v");
    assert_eq!(inv.volumes[0].encrypted, Known::Known(false));
    std::fs::write(
        &path,
        "{\"format_version\": \"1.2\", \"planned_values\": {\"root_module\": [",
    )
    .unwrap();
    let bad = load_paths(&[path], &LoadOptions::default());
    assert!(
        bad.skipped[0].reason.contains("invalid plan JSON"),
        "{:?}",
        bad.skipped
    );
    assert!(bad.skipped[0].line.is_some());
}

#[test]
fn demo_folder_has_all_three_sources() {
    let demo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo");
    let loaded = load_paths(&[demo], &LoadOptions::default());
    let kinds: Vec<&str> = loaded
        .sources
        .iter()
        .map(|s| s.split(' ').next().unwrap())
        .collect();
    assert!(kinds.contains(&"snapshot"), "{kinds:?}");
    assert!(kinds.contains(&"terraform"), "{kinds:?}");
    assert!(kinds.contains(&"cloudformation"), "{kinds:?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_hcl_never_panics(s in "[ -~\n]{0,300}") {
        let _ = terraform::parse::parse("fuzz.tf", &s);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("main.tf"), &s).unwrap();
        let _ = terraform::load(dir.path(), &LoadOptions::default());
    }

    #[test]
    fn hcl_like_input_never_panics(body in prop::collection::vec(
        prop_oneof![
            Just("resource \"aws_security_group\" \"a\" {".to_owned()),
            Just("}".to_owned()),
            Just("ingress { from_port = var.x".to_owned()),
            Just("count = length(local.l)".to_owned()),
            Just("locals { l = [for x in var.y : x if x] }".to_owned()),
            Just("x = \"${aws_security_group.a.id}\"".to_owned()),
            Just("dynamic \"ingress\" { for_each = local.l content {".to_owned()),
            Just("<<EOT\n{\"a\": 1}\nEOT".to_owned()),
            "[a-z_]{1,8} = [0-9]{1,3}",
        ], 0..30)) {
        let text = body.join("\n");
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("main.tf"), &text).unwrap();
        let _ = terraform::load(dir.path(), &LoadOptions::default());
    }

    #[test]
    fn random_yaml_never_panics(s in "[ -~\n]{0,300}") {
        let mut inv = Inventory::default();
        let _ = cloudformation::load_text("fuzz.yaml", &format!("Resources:\n{s}"), &LoadOptions::default(), &mut inv);
        let _ = cloudformation::yaml::parse(&s);
    }
}

/// Listener messages of `elbv2-listener-plaintext-http` on one inventory,
/// sorted.
fn plaintext_http(inv: &Inventory) -> Vec<(pillar_model::Status, String)> {
    rule_findings(inv, "elbv2-listener-plaintext-http")
}

#[test]
fn listener_redirects_are_judged_by_their_protocol() {
    use pillar_model::Status;
    let text = r#"
resource "aws_lb" "internal" {
  load_balancer_type = "application"
  internal           = true
}
resource "aws_lb_listener" "to_https" {
  load_balancer_arn = aws_lb.internal.arn
  port              = 80
  default_action {
    type = "redirect"
    redirect {
      protocol    = "HTTPS"
      port        = "443"
      status_code = "HTTP_301"
    }
  }
}
resource "aws_lb_listener" "keeps_http" {
  load_balancer_arn = aws_lb.internal.arn
  port              = 8080
  default_action {
    type = "redirect"
    redirect {
      port        = "8081"
      status_code = "HTTP_301"
    }
  }
}
resource "aws_lb_listener" "elsewhere" {
  load_balancer_arn = var.lb_arn
  port              = 80
  protocol          = "HTTP"
  default_action {
    type             = "forward"
    target_group_arn = var.tg
  }
}
variable "lb_arn" {}
variable "tg" {}
"#;
    let loaded = tf(&[("main.tf", text)], &LoadOptions::default());
    assert!(loaded.skipped.is_empty(), "{:?}", loaded.skipped);
    let inv = &loaded.inventory;
    assert_eq!(
        inv.load_balancers.len(),
        2,
        "a stand-in for the undeclared one"
    );
    let ls = inv.load_balancers[0]
        .listeners
        .clone()
        .into_option()
        .unwrap();
    assert_eq!(ls[0].redirect_protocol.as_deref(), Some("HTTPS"));
    assert_eq!(ls[1].redirect_protocol.as_deref(), Some("#{protocol}"));
    assert_eq!(ls[1].location.as_ref().unwrap().line, Some(18));
    let found = plaintext_http(inv);
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].0, Status::Fail);
    assert!(found[0].1.contains("port 80 of a"), "{found:?}");
    assert!(found[0].1.contains("forward"), "{found:?}");
    assert_eq!(found[1].0, Status::Fail);
    assert!(
        found[1].1.contains("port 8080 of an internal") && found[1].1.contains("#{protocol}"),
        "{found:?}"
    );

    let cfn = r#"
Resources:
  Alb:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Scheme: internal
  Http:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref Alb
      Port: 80
      Protocol: HTTP
      DefaultActions:
        - Type: redirect
          RedirectConfig: {Protocol: HTTPS, Port: "443", StatusCode: HTTP_301}
  Legacy:
    Type: AWS::ElasticLoadBalancing::LoadBalancer
    Properties:
      Listeners:
        - {LoadBalancerPort: "80", InstancePort: "80", Protocol: HTTP}
"#;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.yaml");
    std::fs::write(&path, cfn).unwrap();
    let loaded = cloudformation::load_file(&path, &LoadOptions::default());
    assert!(loaded.skipped.is_empty(), "{:?}", loaded.skipped);
    let found = plaintext_http(&loaded.inventory);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found
        .iter()
        .any(|(s, m)| *s == Status::Pass && m.contains("only redirects to HTTPS")));
    assert!(found
        .iter()
        .any(|(s, m)| *s == Status::Fail && m.contains("Classic Load Balancer cannot redirect")));
}

/// Findings of one rule on one inventory: (status, message), sorted.
fn rule_findings(inv: &Inventory, id: &str) -> Vec<(pillar_model::Status, String)> {
    let rules: Vec<_> = pillar_checks::all()
        .into_iter()
        .filter(|r| r.meta().id == id)
        .collect();
    let mut out: Vec<_> = pillar_checks::run(inv, &rules, &pillar_checks::RunOptions::default())
        .findings
        .into_iter()
        .map(|f| (f.status, f.message))
        .collect();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

#[test]
fn classic_tls_policies_from_terraform_cloudformation_and_snapshot() {
    use pillar_model::Status;
    let text = r#"
resource "aws_elb" "web" {
  name = "web"
  listener {
    instance_port     = 80
    instance_protocol = "http"
    lb_port           = 443
    lb_protocol       = "https"
  }
}
resource "aws_load_balancer_policy" "old" {
  load_balancer_name = aws_elb.web.name
  policy_name        = "old"
  policy_type_name   = "SSLNegotiationPolicyType"
  policy_attribute {
    name  = "Protocol-TLSv1"
    value = "true"
  }
}
resource "aws_load_balancer_policy" "stickiness" {
  load_balancer_name = aws_elb.web.name
  policy_name        = "sticky"
  policy_type_name   = "LBCookieStickinessPolicyType"
}
resource "aws_load_balancer_listener_policy" "https" {
  load_balancer_name = aws_elb.web.name
  load_balancer_port = 443
  policy_names       = [aws_load_balancer_policy.old.policy_name]
}
resource "aws_lb_ssl_negotiation_policy" "modern" {
  name          = "modern"
  load_balancer = var.other
  lb_port       = 443
  attribute {
    name  = "Reference-Security-Policy"
    value = "ELBSecurityPolicy-TLS-1-2-2017-01"
  }
}
variable "other" {}
"#;
    let loaded = tf(&[("main.tf", text)], &LoadOptions::default());
    assert!(loaded.skipped.is_empty(), "{:?}", loaded.skipped);
    let web = &loaded.inventory.load_balancers[0];
    let ps = web.tls_policies.clone().into_option().unwrap();
    assert_eq!(ps.len(), 1, "only SSL negotiation policies: {ps:?}");
    assert_eq!(ps[0].listener_ports, vec![443]);
    assert_eq!(loaded.inventory.load_balancers.len(), 2, "a stand-in");
    let found = rule_findings(&loaded.inventory, "elb-tls-policy-outdated");
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].0, Status::Pass, "{found:?}");
    assert_eq!(found[1].0, Status::Fail, "{found:?}");
    assert!(found[1].1.contains("enables TLSv1 (used on port 443)"));

    let dir = tempfile::tempdir().unwrap();
    let cfn = dir.path().join("lb.yaml");
    std::fs::write(
        &cfn,
        r#"Resources:
  Lb:
    Type: AWS::ElasticLoadBalancing::LoadBalancer
    Properties:
      Listeners:
        - LoadBalancerPort: '443'
          InstancePort: '80'
          Protocol: HTTPS
          PolicyNames: [Tls]
      Policies:
        - PolicyName: Tls
          PolicyType: SSLNegotiationPolicyType
          Attributes:
            - Name: Reference-Security-Policy
              Value: ELBSecurityPolicy-2016-08
"#,
    )
    .unwrap();
    let loaded = cloudformation::load_file(&cfn, &LoadOptions::default());
    let ps = loaded.inventory.load_balancers[0]
        .tls_policies
        .clone()
        .into_option()
        .unwrap();
    assert_eq!(ps[0].listener_ports, vec![443]);
    assert_eq!(ps[0].location.as_ref().unwrap().line, Some(11));
    let found = rule_findings(&loaded.inventory, "elb-tls-policy-outdated");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, Status::Fail);
    assert!(
        found[0].1.contains("ELBSecurityPolicy-2016-08"),
        "{found:?}"
    );

    // Snapshot: only the policies a listener uses are judged.
    let snap = tempfile::tempdir().unwrap();
    let region = snap.path().join("us-east-1");
    std::fs::create_dir_all(region.join("elb-describe-load-balancer-policies")).unwrap();
    std::fs::write(
        region.join("elb-describe-load-balancers.json"),
        r#"{"LoadBalancerDescriptions": [{"LoadBalancerName": "web", "Scheme": "internet-facing",
            "ListenerDescriptions": [{"Listener": {"Protocol": "HTTPS", "LoadBalancerPort": 443},
                                      "PolicyNames": ["tls"]}]}]}"#,
    )
    .unwrap();
    std::fs::write(
        region.join("elb-describe-load-balancer-policies/web.json"),
        r#"{"PolicyDescriptions": [
            {"PolicyName": "tls", "PolicyTypeName": "SSLNegotiationPolicyType",
             "PolicyAttributeDescriptions": [
                {"AttributeName": "Protocol-TLSv1.2", "AttributeValue": "true"},
                {"AttributeName": "Protocol-TLSv1.1", "AttributeValue": "true"},
                {"AttributeName": "ECDHE-RSA-AES128-GCM-SHA256", "AttributeValue": "true"}]},
            {"PolicyName": "unused", "PolicyTypeName": "SSLNegotiationPolicyType",
             "PolicyAttributeDescriptions": [
                {"AttributeName": "Reference-Security-Policy", "AttributeValue": "ELBSecurityPolicy-2015-05"}]},
            {"PolicyName": "sticky", "PolicyTypeName": "LBCookieStickinessPolicyType",
             "PolicyAttributeDescriptions": []}]}"#,
    )
    .unwrap();
    let loaded = load_paths(&[snap.path().to_path_buf()], &LoadOptions::default());
    assert!(loaded.skipped.is_empty(), "{:?}", loaded.skipped);
    let lb = &loaded.inventory.load_balancers[0];
    let ps = lb.tls_policies.clone().into_option().unwrap();
    assert_eq!(ps.len(), 2, "{ps:?}");
    assert_eq!(ps[0].listener_ports, vec![443]);
    assert!(ps[1].listener_ports.is_empty());
    let found = rule_findings(&loaded.inventory, "elb-tls-policy-outdated");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].1.contains("policy tls ") && found[0].1.contains("TLSv1.1"));
}

#[test]
fn each_declared_trail_is_judged_for_multi_region() {
    use pillar_model::Status;
    let one = r#"
resource "aws_cloudtrail" "regional" {
  name           = "regional"
  s3_bucket_name = "logs"
}
"#;
    let loaded = tf(&[("main.tf", one)], &LoadOptions::default());
    let found = rule_findings(&loaded.inventory, "cloudtrail-trail-single-region");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, Status::Fail);
    let both = format!(
        "{one}\nresource \"aws_cloudtrail\" \"main\" {{\n  name = \"main\"\n  s3_bucket_name = \"logs\"\n  is_multi_region_trail = true\n}}\n"
    );
    let loaded = tf(&[("main.tf", &both)], &LoadOptions::default());
    let found = rule_findings(&loaded.inventory, "cloudtrail-trail-single-region");
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.iter().all(|f| f.0 == Status::Pass), "{found:?}");
}

/// A forwarding listener rule on an HTTP listener that redirects by default
/// still serves plaintext: Terraform, CloudFormation and snapshot.
#[test]
fn listener_rules_of_redirecting_http_listeners_are_judged() {
    use pillar_model::Status;
    let text = r#"
resource "aws_lb" "web" {
  load_balancer_type = "application"
}
resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"
  default_action {
    type = "redirect"
    redirect {
      protocol    = "HTTPS"
      port        = "443"
      status_code = "HTTP_301"
    }
  }
}
resource "aws_lb_listener_rule" "health" {
  listener_arn = aws_lb_listener.http.arn
  priority     = 10
  action {
    type             = "forward"
    target_group_arn = var.tg
  }
  condition {
    path_pattern {
      values = ["/health"]
    }
  }
}
variable "tg" {}
"#;
    let loaded = tf(&[("main.tf", text)], &LoadOptions::default());
    assert!(loaded.skipped.is_empty(), "{:?}", loaded.skipped);
    let ls = loaded.inventory.load_balancers[0]
        .listeners
        .clone()
        .into_option()
        .unwrap();
    let rules = ls[0].rules.clone().into_option().unwrap();
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0].priority.as_deref(), Some("10"));
    assert_eq!(rules[0].location.as_ref().unwrap().line, Some(18));
    let found = plaintext_http(&loaded.inventory);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, Status::Fail);
    assert!(
        found[0]
            .1
            .contains("aws_lb_listener_rule.health (priority 10)")
            && found[0].1.contains("forward"),
        "{found:?}"
    );
    // The same rule redirecting to HTTPS passes.
    let fixed = text.replace(
        "    type             = \"forward\"\n    target_group_arn = var.tg\n",
        "    type = \"redirect\"\n    redirect {\n      protocol    = \"HTTPS\"\n      status_code = \"HTTP_301\"\n    }\n",
    );
    let loaded = tf(&[("main.tf", &fixed)], &LoadOptions::default());
    let found = plaintext_http(&loaded.inventory);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, Status::Pass, "{found:?}");

    let cfn = |action: &str| {
        format!(
            r#"Resources:
  Alb:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
  Http:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref Alb
      Port: 80
      Protocol: HTTP
      DefaultActions:
        - Type: redirect
          RedirectConfig: {{Protocol: HTTPS, Port: "443", StatusCode: HTTP_301}}
  Api:
    Type: AWS::ElasticLoadBalancingV2::ListenerRule
    Properties:
      ListenerArn: !Ref Http
      Priority: 5
      Conditions:
        - Field: path-pattern
          Values: ["/api/*"]
      Actions:
        - {action}
"#
        )
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.yaml");
    std::fs::write(
        &path,
        cfn("Type: fixed-response\n          FixedResponseConfig: {StatusCode: \"200\"}"),
    )
    .unwrap();
    let loaded = cloudformation::load_file(&path, &LoadOptions::default());
    assert!(loaded.skipped.is_empty(), "{:?}", loaded.skipped);
    let found = plaintext_http(&loaded.inventory);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, Status::Fail);
    assert!(
        found[0].1.contains("listener rule Api (priority 5)"),
        "{found:?}"
    );
    std::fs::write(
        &path,
        cfn("Type: redirect\n          RedirectConfig: {Protocol: HTTPS, StatusCode: HTTP_301}"),
    )
    .unwrap();
    let loaded = cloudformation::load_file(&path, &LoadOptions::default());
    let found = plaintext_http(&loaded.inventory);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, Status::Pass, "{found:?}");

    // Snapshot: elbv2-describe-rules/<listener ARN, / and : as _>.json;
    // without it the redirecting listener's rules are unknown.
    let listener = "arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2";
    let snap = tempfile::tempdir().unwrap();
    let region = snap.path().join("us-east-1");
    std::fs::create_dir_all(region.join("elbv2-describe-listeners")).unwrap();
    std::fs::write(
        region.join("elbv2-describe-load-balancers.json"),
        r#"{"LoadBalancers": [{"LoadBalancerArn": "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/50dc6c495c0c9188",
            "LoadBalancerName": "web", "Type": "application", "Scheme": "internet-facing"}]}"#,
    )
    .unwrap();
    std::fs::write(
        region.join("elbv2-describe-listeners/web.json"),
        format!(
            r#"{{"Listeners": [{{"ListenerArn": "{listener}", "Port": 80, "Protocol": "HTTP",
                "DefaultActions": [{{"Type": "redirect", "RedirectConfig": {{"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}}}]}}]}}"#
        ),
    )
    .unwrap();
    let loaded = load_paths(&[snap.path().to_path_buf()], &LoadOptions::default());
    let found = plaintext_http(&loaded.inventory);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, Status::Unknown, "{found:?}");
    std::fs::create_dir_all(region.join("elbv2-describe-rules")).unwrap();
    std::fs::write(
        region
            .join("elbv2-describe-rules")
            .join(format!("{}.json", listener.replace(['/', ':'], "_"))),
        format!(
            r#"{{"Rules": [
                {{"RuleArn": "{listener}/r1", "Priority": "3", "IsDefault": false,
                  "Actions": [{{"Type": "forward", "TargetGroupArn": "tg"}}]}},
                {{"RuleArn": "{listener}/default", "Priority": "default", "IsDefault": true,
                  "Actions": [{{"Type": "redirect", "RedirectConfig": {{"Protocol": "HTTPS"}}}}]}}]}}"#
        ),
    )
    .unwrap();
    let loaded = load_paths(&[snap.path().to_path_buf()], &LoadOptions::default());
    assert!(loaded.skipped.is_empty(), "{:?}", loaded.skipped);
    let found = plaintext_http(&loaded.inventory);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, Status::Fail, "{found:?}");
    assert!(found[0].1.contains("/r1 (priority 3)"), "{found:?}");
}

/// A Classic HTTPS/SSL listener that uses no SSL negotiation policy gets
/// AWS's default ELBSecurityPolicy-2016-08 (TLS 1.0 and 1.1): Terraform,
/// CloudFormation and snapshot.
#[test]
fn classic_https_listener_without_policy_gets_the_default() {
    use pillar_model::Status;
    let text = r#"
resource "aws_elb" "web" {
  name = "web"
  listener {
    instance_port     = 80
    instance_protocol = "http"
    lb_port           = 443
    lb_protocol       = "https"
  }
}
"#;
    let loaded = tf(&[("main.tf", text)], &LoadOptions::default());
    let found = rule_findings(&loaded.inventory, "elb-tls-policy-outdated");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, Status::Fail);
    assert!(
        found[0].1.contains("names no SSL negotiation policy")
            && found[0].1.contains("ELBSecurityPolicy-2016-08"),
        "{found:?}"
    );
    // A policy set on the port: judged as that policy.
    let with_policy = format!(
        r#"{text}
resource "aws_load_balancer_policy" "tls" {{
  load_balancer_name = aws_elb.web.name
  policy_name        = "tls"
  policy_type_name   = "SSLNegotiationPolicyType"
  policy_attribute {{
    name  = "Reference-Security-Policy"
    value = "ELBSecurityPolicy-TLS-1-2-2017-01"
  }}
}}
resource "aws_load_balancer_listener_policy" "https" {{
  load_balancer_name = aws_elb.web.name
  load_balancer_port = 443
  policy_names       = [aws_load_balancer_policy.tls.policy_name]
}}
"#
    );
    let loaded = tf(&[("main.tf", &with_policy)], &LoadOptions::default());
    let found = rule_findings(&loaded.inventory, "elb-tls-policy-outdated");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, Status::Pass, "{found:?}");
    // A listener policy whose load balancer cannot be resolved may be set
    // on it: not judged as having none.
    let unresolved = format!(
        "{text}\nresource \"aws_load_balancer_listener_policy\" \"x\" {{\n  load_balancer_name = var.lb\n  load_balancer_port = 443\n  policy_names = [\"p\"]\n}}\nvariable \"lb\" {{}}\n"
    );
    let loaded = tf(&[("main.tf", &unresolved)], &LoadOptions::default());
    let found = rule_findings(&loaded.inventory, "elb-tls-policy-outdated");
    assert!(found.iter().all(|f| f.0 != Status::Fail), "{found:?}");

    let dir = tempfile::tempdir().unwrap();
    let cfn = dir.path().join("lb.yaml");
    std::fs::write(
        &cfn,
        "Resources:\n  Lb:\n    Type: AWS::ElasticLoadBalancing::LoadBalancer\n    Properties:\n      Listeners:\n        - {LoadBalancerPort: '443', InstancePort: '80', Protocol: SSL}\n        - {LoadBalancerPort: '8443', InstancePort: '80', Protocol: HTTPS, PolicyNames: [Declared-Elsewhere]}\n",
    )
    .unwrap();
    let loaded = cloudformation::load_file(&cfn, &LoadOptions::default());
    assert!(loaded.skipped.is_empty(), "{:?}", loaded.skipped);
    let found = rule_findings(&loaded.inventory, "elb-tls-policy-outdated");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, Status::Fail);
    assert!(found[0].1.contains("SSL listener on port 443"), "{found:?}");

    let snap = tempfile::tempdir().unwrap();
    let region = snap.path().join("us-east-1");
    std::fs::create_dir_all(&region).unwrap();
    std::fs::write(
        region.join("elb-describe-load-balancers.json"),
        r#"{"LoadBalancerDescriptions": [{"LoadBalancerName": "web", "Scheme": "internet-facing",
            "ListenerDescriptions": [{"Listener": {"Protocol": "HTTPS", "LoadBalancerPort": 443},
                                      "PolicyNames": []}]}]}"#,
    )
    .unwrap();
    let loaded = load_paths(&[snap.path().to_path_buf()], &LoadOptions::default());
    let found = rule_findings(&loaded.inventory, "elb-tls-policy-outdated");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, Status::Fail, "{found:?}");
    assert!(
        found[0].1.contains("ELBSecurityPolicy-2016-08"),
        "{found:?}"
    );
}
