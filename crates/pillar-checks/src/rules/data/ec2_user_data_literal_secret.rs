//! `ec2-user-data-literal-secret`

use super::secrets_common::{hit_evidence, pass_message, split_hits};
use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::resources::Resource;
use pillar_model::{Domain, Inventory, Known, Severity};
use pillar_secrets::Engine;
use serde_json::json;

/// The rule.
pub struct Ec2UserDataLiteralSecret;
/// Registered instance.
pub static RULE: Ec2UserDataLiteralSecret = Ec2UserDataLiteralSecret;

static META: Meta = Meta {
    id: "ec2-user-data-literal-secret",
    title: "EC2 instance or launch template user data holds a literal secret",
    severity: Severity::High,
    domain: Domain::DataProtection,
    service: "ec2",
    wa: &["SEC02-BP03"],
    cis: &[],
    rationale: "User data is not secret: any process on the instance reads it from the \
        instance metadata service, anyone with ec2:DescribeInstanceAttribute or \
        ec2:DescribeLaunchTemplateVersions reads it through the API, and it is copied into \
        templates, Terraform state and AMIs built from the instance. A bootstrap script should \
        fetch its secrets from Secrets Manager or SSM Parameter Store (SecureString) under the \
        instance profile's role.",
    console: "Secrets Manager console > Store a new secret with the value. IAM console > the \
        instance profile's role > add secretsmanager:GetSecretValue on that secret. EC2 \
        console > Launch templates > the template > Actions > Modify template (Create new \
        version): in Advanced details > User data, replace the literal with a call that reads \
        the secret at boot; set the new version as default. For an instance: stop it, Actions \
        > Instance settings > Edit user data, then start it. Then rotate the exposed \
        credential.",
    cli: "aws secretsmanager create-secret --name <app/db-password> --secret-string file://secret.txt\n\
        # in the user data script, instead of the literal:\n\
        #   DB_PASSWORD=$(aws secretsmanager get-secret-value --secret-id <app/db-password> \\\n\
        #     --query SecretString --output text)\n\
        aws ec2 create-launch-template-version --launch-template-id <lt-id> --source-version '$Latest' \\\n  \
        --launch-template-data \"{\\\"UserData\\\": \\\"$(base64 -w0 user-data.sh)\\\"}\"\n\
        aws ec2 modify-launch-template --launch-template-id <lt-id> --default-version <new-version>\n\
        # an instance (stopped): aws ec2 modify-instance-attribute --instance-id <id> --attribute userData --value file://user-data.sh\n\
        # then rotate the credential that was exposed",
    terraform: "resource \"aws_secretsmanager_secret\" \"db_password\" {\n  \
        name = \"app/db-password\"\n}\n\n\
        resource \"aws_launch_template\" \"app\" {\n  \
        # ...\n  \
        user_data = base64encode(<<-EOT\n    \
        #!/bin/bash\n    \
        DB_PASSWORD=$(aws secretsmanager get-secret-value --secret-id ${aws_secretsmanager_secret.db_password.name} --query SecretString --output text)\n    \
        EOT\n  \
        )\n}",
    docs: "## What it does\n\
        Reports EC2 instances and launch template versions whose user data holds a secret in \
        plain text. The user data (base64, and gzip when compressed) is decoded and scanned as \
        a shell script by the secrets engine of `pillar secrets`, with the same rules, \
        placeholder filters and redaction as files: AWS access keys, private keys, database \
        URLs with a password, SaaS tokens, and literal values of password-, secret- and \
        token-named variables. Documented example keys are low confidence and do not fail. \
        Evidence names the line and the secret rule, with the value redacted to its first and \
        last characters; never the value. Instances or versions whose user data was not read \
        are *unknown*; user data that cannot be decoded is *unknown* with the reason.\n\n\
        ## Why is this bad?\n\
        User data is readable from inside the instance by any process (instance metadata \
        service) and from outside by anyone allowed to describe the instance or template, and \
        it travels into templates, Terraform state and images. A secret in it is shared far \
        beyond the workload that needs it, and never rotates.\n\n\
        ## How to fix\n\
        Store the value in Secrets Manager (or an SSM SecureString parameter), grant the \
        instance profile's role read access to that one secret, make the script fetch it at \
        boot, replace the user data (a new launch template version; a stopped instance's \
        attribute), and rotate the exposed credential.\n\n\
        ## References\n\
        - Amazon EC2 User Guide: Run commands when you launch an EC2 instance with user data \
        input (user data is not protected by cryptographic methods)\n\
        - AWS Secrets Manager User Guide: Retrieve secrets from AWS Secrets Manager\n\
        - Well-Architected SEC02-BP03 Store and use secrets securely\n",
    since: "0.1.0",
};

/// Judge the user data of one instance or launch template version.
fn judge(
    engine: &Engine,
    r: &impl Resource,
    label: &str,
    user_data: &Known<Option<String>>,
    out: &mut Out,
) {
    let raw = match user_data {
        Known::Known(Some(raw)) => raw,
        Known::Known(None) => {
            out.pass(r, "no user data");
            return;
        }
        Known::Unknown(why) => {
            out.unknown(r, format!("user data unknown: {why}"));
            return;
        }
    };
    let hits = match pillar_secrets::inline::scan_user_data(engine, label, raw) {
        Ok(h) => h,
        Err(e) => {
            out.unknown(r, e.to_string());
            return;
        }
    };
    let (sure, low) = split_hits(&hits);
    if sure.is_empty() {
        out.pass(r, pass_message(low.len(), "user data line"));
        return;
    }
    let lines: Vec<String> = sure.iter().map(|h| h.line.to_string()).collect();
    out.fail(
        r,
        format!(
            "user data of {label} holds a literal secret on line(s) {}",
            lines.join(", ")
        ),
        json!({
            "user_data_of": label,
            "secrets": sure.iter().map(|h| hit_evidence(h)).collect::<Vec<_>>(),
        }),
    );
}

impl Rule for Ec2UserDataLiteralSecret {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        if inv.instances.is_empty() && inv.launch_templates.is_empty() {
            return;
        }
        let engine = match pillar_secrets::inline::builtin() {
            Ok(e) => e,
            Err(e) => {
                let why = format!("secret rules do not compile: {e}");
                for i in &inv.instances {
                    out.unknown(i, why.clone());
                }
                for t in &inv.launch_templates {
                    out.unknown(t, why.clone());
                }
                return;
            }
        };
        for i in &inv.instances {
            judge(engine, i, &format!("instance {}", i.id), &i.user_data, out);
        }
        for t in &inv.launch_templates {
            let label = match t.version {
                Some(v) => format!("launch template {} version {v}", display_name(t)),
                None => format!("launch template {}", display_name(t)),
            };
            judge(engine, t, &label, &t.user_data, out);
        }
    }
}

fn display_name(t: &pillar_model::LaunchTemplate) -> &str {
    if t.name.is_empty() {
        &t.id
    } else {
        &t.name
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use pillar_model::{Instance, LaunchTemplate, Status};

    fn b64(s: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(s)
    }

    fn run(inv: &Inventory) -> Vec<pillar_model::Finding> {
        let mut out = Out::new(&META);
        RULE.check(inv, &mut out);
        out.into_findings()
    }

    #[test]
    fn instances_and_templates() {
        let script = "#!/bin/bash\nexport AWS_ACCESS_KEY_ID=AKIAQYLPMN5HFIQR7XZA\nexport AWS_SECRET_ACCESS_KEY=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\n";
        let inv = Inventory {
            instances: vec![
                Instance {
                    id: "i-1".to_owned(),
                    user_data: Known::Known(Some(b64(script))),
                    ..Instance::default()
                },
                Instance {
                    id: "i-2".to_owned(),
                    user_data: Known::Known(Some(b64("#!/bin/bash\nyum -y install nginx\n"))),
                    ..Instance::default()
                },
                Instance {
                    id: "i-3".to_owned(),
                    ..Instance::default()
                },
            ],
            launch_templates: vec![LaunchTemplate {
                id: "lt-1".to_owned(),
                name: "web".to_owned(),
                version: Some(3),
                user_data: Known::Known(Some(b64(
                    "DB_URL=postgres://app:Qm4r8vT2zLx@db:5432/app\n",
                ))),
                ..LaunchTemplate::default()
            }],
            ..Inventory::default()
        };
        let f = run(&inv);
        let st: Vec<Status> = f.iter().map(|f| f.status).collect();
        assert_eq!(
            st,
            [Status::Fail, Status::Pass, Status::Unknown, Status::Fail]
        );
        assert_eq!(
            f[0].message,
            "user data of instance i-1 holds a literal secret on line(s) 2, 3"
        );
        assert!(f[3].message.contains("launch template web version 3"));
        let all = serde_json::to_string(&f).unwrap_or_default();
        assert!(!all.contains("AKIAQYLPMN5HFIQR7XZA"));
        assert!(!all.contains("Qm4r8vT2zLx"));
        assert!(!all.contains("Zq8vT2mLp7Rz4Kw8Nb1Hc5Yd3Fg6Jk0Xs9Pq2WeR"));
    }
}
