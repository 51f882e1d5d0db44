#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! EC2 user data and Lambda environments, the inputs of the posture rules
//! fed by the secrets engine: from a snapshot, Terraform and CloudFormation.
//! User data is held as the EC2 API holds it (base64).

use base64::Engine as _;
use pillar_model::Known;
mod common;

use common::write;
use pillar_sources::{load_paths, LoadOptions, Loaded};
use std::path::Path;

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

fn decoded(k: &Known<Option<String>>) -> Option<String> {
    match k {
        Known::Known(Some(s)) => Some(
            String::from_utf8(base64::engine::general_purpose::STANDARD.decode(s).unwrap())
                .unwrap(),
        ),
        Known::Known(None) => None,
        Known::Unknown(r) => panic!("unknown: {r}"),
    }
}

fn load(dir: &Path) -> Loaded {
    load_paths(&[dir.to_path_buf()], &LoadOptions::default())
}

const SCRIPT: &str = "#!/bin/bash\nexport DB_PASSWORD=Vq8!mT3zLr6x\n";

#[test]
fn snapshot_instance_user_data_and_launch_template_versions() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(
        d,
        "us-east-1/ec2-describe-instances.json",
        r#"{"Reservations": [{"OwnerId": "111122223333", "Instances": [
            {"InstanceId": "i-1", "State": {"Name": "running"}},
            {"InstanceId": "i-2", "State": {"Name": "running"}},
            {"InstanceId": "i-3", "State": {"Name": "running"}},
            {"InstanceId": "i-4", "State": {"Name": "running"}}]}]}"#,
    );
    write(
        d,
        "us-east-1/ec2-describe-instance-attribute-userdata/i-1.json",
        &format!(
            r#"{{"InstanceId": "i-1", "UserData": {{"Value": "{}"}}}}"#,
            b64(SCRIPT)
        ),
    );
    write(
        d,
        "us-east-1/ec2-describe-instance-attribute-userdata/i-2.json",
        r#"{"InstanceId": "i-2", "UserData": {}}"#,
    );
    write(
        d,
        "us-east-1/ec2-describe-instance-attribute-userdata/i-3.json",
        r#"{"Error": {"Code": "UnauthorizedOperation", "Message": "no"}}"#,
    );
    write(
        d,
        "us-east-1/ec2-describe-launch-template-versions.json",
        &format!(
            r#"{{"LaunchTemplateVersions": [
            {{"LaunchTemplateId": "lt-1", "LaunchTemplateName": "web", "VersionNumber": 4,
              "DefaultVersion": true, "LaunchTemplateData": {{"UserData": "{}"}}}},
            {{"LaunchTemplateId": "lt-1", "LaunchTemplateName": "web", "VersionNumber": 4,
              "DefaultVersion": true, "LaunchTemplateData": {{"UserData": "{}"}}}},
            {{"LaunchTemplateId": "lt-2", "LaunchTemplateName": "batch", "VersionNumber": 1,
              "LaunchTemplateData": {{"ImageId": "ami-1"}}}}]}}"#,
            b64(SCRIPT),
            b64(SCRIPT)
        ),
    );
    let loaded = load(d);
    assert!(loaded.skipped.is_empty(), "{:#?}", loaded.skipped);
    let inv = &loaded.inventory;
    let by_id = |id: &str| inv.instances.iter().find(|i| i.id == id).unwrap();
    assert_eq!(decoded(&by_id("i-1").user_data).as_deref(), Some(SCRIPT));
    assert_eq!(by_id("i-2").user_data, Known::Known(None));
    assert!(by_id("i-3")
        .user_data
        .reason()
        .unwrap()
        .contains("UnauthorizedOperation"));
    assert_eq!(by_id("i-4").user_data.reason(), Some("not collected"));
    let lts: Vec<(&str, Option<i64>)> = inv
        .launch_templates
        .iter()
        .map(|t| (t.name.as_str(), t.version))
        .collect();
    assert_eq!(lts, [("web", Some(4)), ("batch", Some(1))]);
    assert_eq!(
        decoded(&inv.launch_templates[0].user_data).as_deref(),
        Some(SCRIPT)
    );
    assert_eq!(inv.launch_templates[1].user_data, Known::Known(None));
}

#[test]
fn malformed_user_data_file_is_skipped_with_its_name() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(
        d,
        "us-east-1/ec2-describe-instances.json",
        r#"{"Reservations": [{"Instances": [{"InstanceId": "i-1"}]}]}"#,
    );
    write(
        d,
        "us-east-1/ec2-describe-instance-attribute-userdata/i-1.json",
        r#"{"UserData": {"Value": 7"#,
    );
    let loaded = load(d);
    assert_eq!(loaded.skipped.len(), 1, "{:#?}", loaded.skipped);
    assert!(loaded.skipped[0].path.ends_with("i-1.json"));
    assert!(loaded.inventory.instances[0].user_data.reason().is_some());
}

#[test]
fn terraform_user_data_and_launch_templates() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(
        d,
        "main.tf",
        r##"
resource "aws_instance" "plain" {
  ami       = "ami-1"
  user_data = <<-EOT
    #!/bin/bash
    export DB_PASSWORD=Vq8!mT3zLr6x
  EOT
}

resource "aws_instance" "encoded" {
  ami              = "ami-1"
  user_data_base64 = base64encode("#!/bin/bash\necho hi\n")
}

resource "aws_instance" "none" {
  ami = "ami-1"
}

resource "aws_launch_template" "web" {
  name      = "web"
  user_data = base64encode("#!/bin/bash\nexport DB_PASSWORD=Vq8!mT3zLr6x\n")
}
"##,
    );
    let loaded = load(d);
    let inv = &loaded.inventory;
    let by = |addr: &str| {
        inv.instances
            .iter()
            .find(|i| i.resource.id == addr)
            .unwrap_or_else(|| panic!("{addr} in {:?}", inv.instances))
    };
    assert_eq!(
        decoded(&by("aws_instance.plain").user_data).as_deref(),
        Some(SCRIPT)
    );
    assert_eq!(
        decoded(&by("aws_instance.encoded").user_data).as_deref(),
        Some("#!/bin/bash\necho hi\n")
    );
    assert_eq!(by("aws_instance.none").user_data, Known::Known(None));
    assert_eq!(inv.launch_templates.len(), 1);
    assert_eq!(inv.launch_templates[0].name, "web");
    assert_eq!(
        decoded(&inv.launch_templates[0].user_data).as_deref(),
        Some(SCRIPT)
    );
}

#[test]
fn cloudformation_user_data_with_fn_base64() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(
        d,
        "template.yaml",
        r##"AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Web:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-1
      UserData:
        Fn::Base64: |
          #!/bin/bash
          export DB_PASSWORD=Vq8!mT3zLr6x
  Template:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateName: web
      LaunchTemplateData:
        UserData: !Base64 "#!/bin/bash\nexport DB_PASSWORD=Vq8!mT3zLr6x\n"
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Environment:
        Variables:
          DB_PASSWORD: Vq8!mT3zLr6x
"##,
    );
    let loaded = load(d);
    let inv = &loaded.inventory;
    assert_eq!(inv.instances.len(), 1, "{:#?}", loaded.skipped);
    assert_eq!(
        decoded(&inv.instances[0].user_data).as_deref(),
        Some(SCRIPT)
    );
    assert_eq!(inv.launch_templates.len(), 1);
    assert_eq!(
        decoded(&inv.launch_templates[0].user_data).as_deref(),
        Some(SCRIPT)
    );
    let env = inv.functions[0].environment.get().unwrap();
    assert_eq!(
        env.get("DB_PASSWORD").map(String::as_str),
        Some("Vq8!mT3zLr6x")
    );
}
