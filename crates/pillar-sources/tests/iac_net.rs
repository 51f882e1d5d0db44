#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! What the Terraform and CloudFormation mappers hand the reachability
//! analysis: target groups with the fields the snapshot fills, the main
//! route table AWS creates, and public addressing known only at apply.

mod common;

use common::{load_clean, write};
use pillar_model::{Known, PUBLIC_IPV4_ASSIGNED_AT_LAUNCH};

#[test]
fn terraform_target_groups_carry_the_snapshot_fields() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "main.tf",
        r#"
resource "aws_vpc" "v" { cidr_block = "10.0.0.0/16" }
resource "aws_lb_target_group" "nlb" {
  name               = "nlb-ip"
  port               = 443
  protocol           = "tcp"
  target_type        = "ip"
  ip_address_type    = "ipv6"
  preserve_client_ip = "true"
  vpc_id             = aws_vpc.v.id
}
resource "aws_lb_target_group_attachment" "one" {
  target_group_arn = aws_lb_target_group.nlb.arn
  target_id        = "2600:1f18::10"
  port             = 8443
}
resource "aws_lb_target_group" "asg" {
  name   = "asg"
  port   = 80
  vpc_id = aws_vpc.v.id
}
resource "aws_autoscaling_group" "web" {
  max_size          = 2
  min_size          = 1
  target_group_arns = [aws_lb_target_group.asg.arn]
}
"#,
    );
    let inv = load_clean(dir.path());
    let nlb = inv
        .target_groups
        .iter()
        .find(|t| t.arn == "aws_lb_target_group.nlb")
        .unwrap();
    assert_eq!(nlb.target_type, "ip");
    assert_eq!(nlb.protocol.as_deref(), Some("TCP"));
    assert_eq!(nlb.port, Some(443));
    assert_eq!(nlb.ip_address_type.as_deref(), Some("ipv6"));
    assert_eq!(nlb.preserve_client_ip, Some(true));
    assert_eq!(
        nlb.targets,
        Known::Known(vec![("2600:1f18::10".to_owned(), Some(8443))])
    );
    let asg = inv
        .target_groups
        .iter()
        .find(|t| t.arn == "aws_lb_target_group.asg")
        .unwrap();
    assert_eq!(asg.target_type, "instance");
    assert!(
        asg.targets
            .reason()
            .is_some_and(|r| r.contains("aws_autoscaling_group.web")),
        "{:?}",
        asg.targets
    );
    // No aws_default_route_table: the main table AWS creates, local only.
    let main = inv
        .route_tables
        .iter()
        .find(|t| t.associations.iter().any(|a| a.main))
        .unwrap();
    assert_eq!(main.id, "aws_vpc.v/default-route-table");
    assert_eq!(main.routes.len(), 1);
    assert_eq!(main.routes[0].target, "local");
}

#[test]
fn cloudformation_target_groups_and_addressing() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "t.yaml",
        r#"AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.1.0.0/16
  Sub:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.1.1.0/24
      MapPublicIpOnLaunch: true
  Box:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-1
      SubnetId: !Ref Sub
  Quiet:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-1
      NetworkInterfaces:
        - DeviceIndex: "0"
          SubnetId: !Ref Sub
          AssociatePublicIpAddress: false
  Tg:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    Properties:
      Port: 8080
      Protocol: TCP
      TargetType: instance
      Targets:
        - Id: !Ref Box
          Port: 9000
      TargetGroupAttributes:
        - Key: preserve_client_ip.enabled
          Value: "false"
"#,
    );
    let inv = load_clean(dir.path());
    let tg = &inv.target_groups[0];
    assert_eq!(tg.arn, "Tg");
    assert_eq!(tg.preserve_client_ip, Some(false));
    assert_eq!(
        tg.targets,
        Known::Known(vec![("Box".to_owned(), Some(9000))])
    );
    let by = |id: &str| inv.instances.iter().find(|i| i.id == id).unwrap();
    // The subnet assigns one; an interface that declines gets none.
    assert_eq!(
        by("Box").public_ip.as_deref(),
        Some(PUBLIC_IPV4_ASSIGNED_AT_LAUNCH)
    );
    assert_eq!(by("Quiet").public_ip, None);
    assert_eq!(by("Quiet").subnet_id.as_deref(), Some("Sub"));
    assert!(inv
        .route_tables
        .iter()
        .any(|t| t.id == "Vpc/default-route-table" && t.associations[0].main));
}
