//! `pillar secrets --fix-plan`: one Markdown plan to move every secret found
//! to AWS Secrets Manager. Per secret: where it is (redacted), what to do
//! with the leaked value, the secret to create (CLI and Terraform), and how
//! the file's kind of code or configuration reads it instead. Then every
//! `create-secret` command in one block and every Terraform resource in
//! another.
//!
//! AWS access keys are the exception: a key belongs in no file and in no
//! secret; the plan says to deactivate it and use an IAM role.
//!
//! Facts used (AWS documentation): Secrets Manager names allow letters,
//! digits and `/_+=.@-`; CloudFormation reads a secret with the dynamic
//! reference `{{resolve:secretsmanager:NAME:SecretString}}`; ECS injects one
//! as an environment variable through the container definition's `secrets`
//! (`name`, `valueFrom`); Terraform reads one with the
//! `aws_secretsmanager_secret_version` data source.

use pillar_model::{Finding, Status};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One secret to create: every finding that maps to its name.
struct Entry<'a> {
    name: &'a str,
    rule: &'a str,
    title: &'a str,
    places: Vec<&'a Finding>,
}

fn is_aws_key(rule: &str) -> bool {
    rule.starts_with("aws-access-key") || rule.starts_with("aws-secret-access-key")
}

/// A Terraform resource name from a secret name.
fn tf_ident(name: &str, n: usize) -> String {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if !s.starts_with(|c: char| c.is_ascii_alphabetic()) {
        s.insert_str(0, "s_");
    }
    format!("{s}_{n}")
}

/// An environment variable name from a secret name's last part.
fn env_name(rule: &str) -> String {
    rule.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// How code or configuration in `file` reads the secret `name` at run time.
pub fn how_to_read(file: &str, name: &str, rule: &str) -> String {
    let lower = file.to_ascii_lowercase();
    let base = lower.rsplit(['/', '\\']).next().unwrap_or(&lower);
    let ext = base.rsplit_once('.').map_or("", |(_, e)| e);
    let var = env_name(rule);
    match ext {
        "py" => format!(
            "```python\nimport boto3\nsecret = boto3.client(\"secretsmanager\").get_secret_value(\n    SecretId=\"{name}\")[\"SecretString\"]\n```"
        ),
        "js" | "mjs" | "cjs" | "ts" | "tsx" | "jsx" => format!(
            "```javascript\nimport {{ SecretsManagerClient, GetSecretValueCommand }} from \"@aws-sdk/client-secrets-manager\";\nconst {{ SecretString: secret }} = await new SecretsManagerClient({{}})\n  .send(new GetSecretValueCommand({{ SecretId: \"{name}\" }}));\n```"
        ),
        "java" | "kt" | "scala" => format!(
            "```java\nString secret = SecretsManagerClient.create().getSecretValue(\n    GetSecretValueRequest.builder().secretId(\"{name}\").build()).secretString();\n```"
        ),
        "go" => format!(
            "```go\nout, err := secretsmanager.NewFromConfig(cfg).GetSecretValue(ctx,\n\t&secretsmanager.GetSecretValueInput{{SecretId: aws.String(\"{name}\")}})\nsecret := aws.ToString(out.SecretString)\n```"
        ),
        "rb" => format!(
            "```ruby\nsecret = Aws::SecretsManager::Client.new.get_secret_value(secret_id: \"{name}\").secret_string\n```"
        ),
        "cs" => format!(
            "```csharp\nvar secret = (await new AmazonSecretsManagerClient().GetSecretValueAsync(\n    new GetSecretValueRequest {{ SecretId = \"{name}\" }})).SecretString;\n```"
        ),
        "tf" | "hcl" | "tfvars" => format!(
            "```hcl\ndata \"aws_secretsmanager_secret_version\" \"{id}\" {{\n  secret_id = \"{name}\"\n}}\n# use data.aws_secretsmanager_secret_version.{id}.secret_string where the literal was\n```",
            id = tf_ident(rule, 0)
        ),
        "yml" | "yaml" | "json" | "template" if lower.contains("cloudformation")
            || lower.contains("template")
            || lower.contains("cfn")
            || lower.contains("stack") =>
        {
            format!(
                "In the template, replace the literal with the dynamic reference \
                 `{{{{resolve:secretsmanager:{name}:SecretString}}}}`."
            )
        }
        "sh" | "bash" | "zsh" => format!(
            "```sh\n{var}=\"$(aws secretsmanager get-secret-value --secret-id '{name}' --query SecretString --output text)\"\n```"
        ),
        _ if base == "dockerfile" || base.starts_with("dockerfile.") => format!(
            "Remove the value from the image: pass it at run time instead. On ECS, add to the \
             container definition `\"secrets\": [{{\"name\": \"{var}\", \"valueFrom\": \"<ARN of {name}>\"}}]`."
        ),
        _ => format!(
            "Remove the value from the file and provide it at run time as the environment \
             variable `{var}`: on ECS through the container definition's `secrets` \
             (`{{\"name\": \"{var}\", \"valueFrom\": \"<ARN of {name}>\"}}`), on Lambda by reading \
             it with the SDK (or the AWS Parameters and Secrets Lambda extension) at start, \
             elsewhere with `aws secretsmanager get-secret-value --secret-id '{name}'`."
        ),
    }
}

/// Write the plan for the failed findings in `findings`.
pub fn render(findings: &[Finding]) -> String {
    let mut entries: BTreeMap<&str, Entry<'_>> = BTreeMap::new();
    for f in findings.iter().filter(|f| f.status == Status::Fail) {
        let Some(name) = f
            .evidence
            .get("secrets_manager_name")
            .and_then(|v| v.as_str())
        else {
            continue;
        };
        entries
            .entry(name)
            .or_insert_with(|| Entry {
                name,
                rule: &f.rule,
                title: &f.title,
                places: Vec::new(),
            })
            .places
            .push(f);
    }
    let mut out = String::new();
    let keys = entries.values().filter(|e| is_aws_key(e.rule)).count();
    let to_store = entries.len() - keys;
    let _ = writeln!(
        out,
        "# Plan: move hard-coded secrets to AWS Secrets Manager\n"
    );
    if entries.is_empty() {
        let _ = writeln!(out, "No hard-coded secrets were found: nothing to move.");
        return out;
    }
    let _ = writeln!(
        out,
        "{to_store} secret(s) to create in Secrets Manager; {keys} AWS access key(s) to deactivate \
         and replace with an IAM role. Values are shown redacted: take each one from its file \
         (or, better, issue a new one), never from this plan.\n\n\
         For every secret: (1) treat the value as leaked: rotate or revoke it at its issuer; \
         (2) create the secret with the new value; (3) change the code to read it; (4) delete the \
         literal and purge it from version-control history (it stays in every clone and \
         commit otherwise); (5) grant the workload's role `secretsmanager:GetSecretValue` on \
         that secret only.\n"
    );
    let mut cli = String::new();
    let mut tf = String::new();
    for (n, e) in entries.values().enumerate() {
        let _ = writeln!(out, "## {}. `{}` — {}\n", n + 1, e.name, e.title);
        for f in &e.places {
            let loc = f.location.as_ref();
            let file = loc.map_or("?", |l| l.file.as_str());
            let line = loc.and_then(|l| l.line).unwrap_or(0);
            let redacted = f
                .evidence
                .get("redacted")
                .and_then(|v| v.as_str())
                .unwrap_or("");
            let mut place = format!("- `{file}:{line}` ({}) `{redacted}`", f.rule);
            if let Some(c) = f.evidence.get("commit").and_then(|v| v.as_str()) {
                let short = c.get(..12).unwrap_or(c);
                let _ = write!(place, ", added in commit {short}");
            }
            let _ = writeln!(out, "{place}");
        }
        out.push('\n');
        let file = e
            .places
            .first()
            .and_then(|f| f.location.as_ref())
            .map_or("", |l| l.file.as_str());
        if is_aws_key(e.rule) {
            let _ = writeln!(
                out,
                "An AWS access key is not stored in Secrets Manager: remove it. Deactivate it \
                 (`aws iam update-access-key --user-name USER --access-key-id KEY_ID --status \
                 Inactive`), check CloudTrail for its use, delete it, and give the workload an \
                 IAM role (instance profile, ECS task role, Lambda execution role, or IAM \
                 Roles Anywhere outside AWS): the SDK finds the role's temporary credentials \
                 itself.\n"
            );
            continue;
        }
        let id = tf_ident(e.name, n + 1);
        let _ = writeln!(
            out,
            "Create it:\n\n```sh\naws secretsmanager create-secret --name '{}' --secret-string file://new-value.txt\n```\n\n\
             Read it from `{file}`:\n\n{}\n",
            e.name,
            how_to_read(file, e.name, e.rule)
        );
        let _ = writeln!(
            cli,
            "aws secretsmanager create-secret --name '{}' --secret-string \"file://${{VALUES_DIR:-.}}/{}.txt\"",
            e.name,
            tf_ident(e.name, n + 1)
        );
        let _ = writeln!(
            tf,
            "resource \"aws_secretsmanager_secret\" \"{id}\" {{\n  name = \"{}\"\n}}\n",
            e.name
        );
    }
    if !cli.is_empty() {
        let _ = writeln!(
            out,
            "## All secrets at once\n\nCLI (one file per new value in `$VALUES_DIR`, deleted after):\n\n```sh\n{cli}```\n\n\
             Terraform (set the values out of band, never in Terraform code):\n\n```hcl\n{}\n```",
            tf.trim_end()
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_file_gets_its_reader() {
        assert!(how_to_read("app/db.py", "a/b", "r").contains("boto3"));
        assert!(how_to_read("src/x.ts", "a/b", "r").contains("GetSecretValueCommand"));
        assert!(how_to_read("main.tf", "a/b", "r").contains("aws_secretsmanager_secret_version"));
        assert!(how_to_read("cloudformation/stack.yml", "a/b", "r")
            .contains("{{resolve:secretsmanager:a/b:SecretString}}"));
        assert!(how_to_read("Dockerfile", "a/b", "db-password").contains("DB_PASSWORD"));
        assert!(how_to_read("config/.env", "a/b", "r").contains("valueFrom"));
    }

    #[test]
    fn identifiers_are_valid_terraform_names() {
        assert_eq!(tf_ident("app/config/.env/x-y", 3), "app_config__env_x_y_3");
        assert_eq!(tf_ident("1a", 1), "s_1a_1");
    }
}
