//! SQS queues and SNS topics (with their access policies), VPC endpoints
//! (with their endpoint policies) and ECS tasks (with their task roles).
//!
//! Files (see `docs/snapshot-layout.md`), per region:
//! `sqs-list-queues.json`, `sqs-get-queue-attributes/<queue>.json`,
//! `sns-list-topics.json`, `sns-get-topic-attributes/<topic>.json`,
//! `ec2-describe-vpc-endpoints.json`, `ecs-list-clusters.json`,
//! `ecs-describe-tasks/<cluster>.json`,
//! `ecs-describe-task-definition/<family>_<revision>.json`, and the
//! resource policies of secrets,
//! `secretsmanager-get-resource-policy/<secret name>.json` (joined to their
//! secret by the ARN inside).

use super::files::{file_key, Kind};
use super::parse::{Data, Fail};
use super::util::{policy, policy_text, Ctx, Lines};
use pillar_model::*;
use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// What one of these files holds once parsed.
#[derive(Debug)]
pub(crate) enum Parsed {
    Queues(Vec<Queue>),
    Topics(Vec<Topic>),
    Endpoints(Vec<VpcEndpoint>),
    /// Cluster ARNs.
    Clusters(Vec<String>),
    Tasks(Vec<EcsTask>),
    /// `get-queue-attributes` / `get-topic-attributes`.
    Attributes(Box<Attributes>),
    /// A task definition's `taskRoleArn`, and the definition.
    TaskRole(Option<String>, Box<EcsTaskDefinition>),
    /// `secretsmanager get-resource-policy`.
    SecretPolicy(Box<SecretPolicy>),
}

/// A secret's resource policy file.
#[derive(Debug)]
pub(crate) struct SecretPolicy {
    /// The secret's ARN, as the file gives it.
    arn: String,
    /// The policy: absent, a document, or why it is unusable.
    policy: Result<Option<PolicyDocument>, String>,
    /// This file (its `ResourcePolicy` line, when present).
    location: Option<Location>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SecretPolicyOut {
    #[serde(rename = "ARN")]
    arn: String,
    #[serde(rename = "ResourcePolicy")]
    resource_policy: Option<Value>,
}

/// `secretsmanager get-resource-policy --secret-id ARN`:
/// `{"ARN": …, "Name": …, "ResourcePolicy": "<JSON text>"}`, without
/// `ResourcePolicy` when the secret has none. Findings on the policy point
/// at this file.
pub(crate) fn secret_policy(bytes: &[u8], ctx: &Ctx<'_>) -> Result<Data, Fail> {
    let out: SecretPolicyOut = serde_json::from_slice(bytes)?;
    let mut lines = Lines::new(bytes);
    let location = ctx
        .loc(&mut lines, "ResourcePolicy")
        .filter(|l| l.line.is_some())
        .or_else(|| Some(Location::new(ctx.file, None)));
    if out.arn.is_empty() {
        return Err(Fail::Other("no ARN in the file".to_owned()));
    }
    let policy = match out.resource_policy {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => policy_text(&s).map(Some),
        Some(_) => Err("ResourcePolicy is not text".to_owned()),
    };
    Ok(wrap(Parsed::SecretPolicy(Box::new(SecretPolicy {
        arn: out.arn,
        policy,
        location,
    }))))
}

/// Join the resource policy files of a snapshot to their secrets, by the
/// ARN inside each file (secret names may hold `/`, which file names
/// cannot). A file the collector recorded an error in names no ARN: it is
/// matched by its file name: the secret's name with `/` and `:` written
/// `_` (as the collector names every per-item file), or `/` written `%2F`.
/// Returns the files no secret took, for the skipped list.
pub(crate) fn join_secret_policies(
    files: Vec<(Option<String>, String, Data)>,
    secrets: &mut [Secret],
) -> Vec<String> {
    let mut left = Vec::new();
    for (region, stem, data) in files {
        let same_region = |s: &Secret| region.is_none() || s.resource.region == region;
        match data {
            Data::Messaging(Parsed::SecretPolicy(p)) => {
                let SecretPolicy {
                    arn,
                    policy,
                    location,
                } = *p;
                match secrets.iter_mut().find(|s| s.arn == arn) {
                    Some(s) => {
                        // The secret keeps its location in the list file,
                        // where its rotation settings are too; its policy
                        // is in this file.
                        s.policy = match policy {
                            Ok(p) => Known::Known(p),
                            Err(why) => Known::Unknown(why),
                        };
                        s.policy_location = location;
                    }
                    None => left.push(arn),
                }
            }
            other => {
                let name = file_key(&stem.replace("%2F", "/").replace("%2f", "/"));
                match secrets
                    .iter_mut()
                    .find(|s| same_region(s) && file_key(&s.name) == name)
                {
                    Some(s) => s.policy = Known::Unknown(api_unknown(other)),
                    None => left.push(stem),
                }
            }
        }
    }
    left
}

/// The attributes pillar reads of a queue or topic.
#[derive(Debug)]
pub(crate) struct Attributes {
    /// The access policy: absent, a document, or why it is unusable.
    policy: Result<Option<PolicyDocument>, String>,
    kms_key_id: Option<String>,
    sqs_managed_sse: Option<bool>,
    /// The attributes file, at its `Policy` attribute when it has one.
    location: Option<Location>,
}

impl Default for Attributes {
    fn default() -> Self {
        Attributes {
            policy: Ok(None),
            kms_key_id: None,
            sqs_managed_sse: None,
            location: None,
        }
    }
}

fn wrap(p: Parsed) -> Data {
    Data::Messaging(p)
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct QueuesOut {
    queue_urls: Vec<String>,
}

/// `sqs list-queues`: queue URLs `https://sqs.REGION.amazonaws.com/ACCOUNT/NAME`.
pub(crate) fn queues(bytes: &[u8], ctx: &Ctx<'_>) -> Result<Data, Fail> {
    let out: QueuesOut = serde_json::from_slice(bytes)?;
    let mut lines = Lines::new(bytes);
    let mut list = Vec::new();
    for url in out.queue_urls {
        let mut parts = url.trim_end_matches('/').rsplit('/');
        let (Some(name), Some(account)) = (parts.next(), parts.next()) else {
            continue;
        };
        if name.is_empty() {
            continue;
        }
        let account =
            Some(account).filter(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()));
        let arn = ctx
            .arn("sqs", account, name)
            .unwrap_or_else(|| name.to_owned());
        list.push(Queue {
            resource: ctx
                .rref("AWS::SQS::Queue", arn.clone(), account)
                .named(name.to_owned()),
            location: ctx.loc(&mut lines, &url),
            name: name.to_owned(),
            arn,
            url: url.clone(),
            ..Queue::default()
        });
    }
    Ok(wrap(Parsed::Queues(list)))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct TopicsOut {
    topics: Vec<TopicShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct TopicShape {
    topic_arn: String,
}

/// `sns list-topics`.
pub(crate) fn topics(bytes: &[u8], ctx: &Ctx<'_>) -> Result<Data, Fail> {
    let out: TopicsOut = serde_json::from_slice(bytes)?;
    let mut lines = Lines::new(bytes);
    let list = out
        .topics
        .into_iter()
        .filter(|t| !t.topic_arn.is_empty())
        .map(|t| {
            let name = t
                .topic_arn
                .rsplit(':')
                .next()
                .unwrap_or_default()
                .to_owned();
            Topic {
                resource: ctx
                    .rref(
                        "AWS::SNS::Topic",
                        t.topic_arn.clone(),
                        super::iam::arn_account(&t.topic_arn),
                    )
                    .named(name.clone()),
                location: ctx.loc(&mut lines, &t.topic_arn),
                name,
                arn: t.topic_arn,
                ..Topic::default()
            }
        })
        .collect();
    Ok(wrap(Parsed::Topics(list)))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct AttributesOut {
    attributes: Option<BTreeMap<String, Value>>,
}

/// `sqs get-queue-attributes --attribute-names All` and
/// `sns get-topic-attributes`: `{"Attributes": {"Policy": "<JSON text>", …}}`.
/// A queue without a policy has no `Policy` attribute. Findings about the
/// queue or topic point at this file (its `Policy` line, when present).
pub(crate) fn attributes(bytes: &[u8], ctx: &Ctx<'_>) -> Result<Data, Fail> {
    let out: AttributesOut = serde_json::from_slice(bytes)?;
    let mut lines = Lines::new(bytes);
    let location = ctx
        .loc(&mut lines, "Policy")
        .filter(|l| l.line.is_some())
        .or_else(|| Some(Location::new(ctx.file, None)));
    let Some(attrs) = out.attributes else {
        // `get-queue-attributes` prints nothing (or `{}`) when the queue
        // has none of the attributes asked for.
        return Ok(wrap(Parsed::Attributes(Box::new(Attributes {
            location,
            ..Attributes::default()
        }))));
    };
    let text = |k: &str| {
        attrs
            .get(k)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .filter(|s| !s.is_empty())
    };
    let policy = match attrs.get("Policy") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => policy_text(s).map(Some),
        Some(other) => Err(format!(
            "Policy attribute is not text: {}",
            match other {
                Value::Object(_) => "an object",
                Value::Array(_) => "an array",
                _ => "a scalar",
            }
        )),
    };
    Ok(wrap(Parsed::Attributes(Box::new(Attributes {
        policy,
        kms_key_id: text("KmsMasterKeyId"),
        sqs_managed_sse: text("SqsManagedSseEnabled").map(|s| s.eq_ignore_ascii_case("true")),
        location,
    }))))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct EndpointsOut {
    vpc_endpoints: Vec<EndpointShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct EndpointShape {
    vpc_endpoint_id: String,
    vpc_endpoint_type: String,
    vpc_id: Option<String>,
    service_name: String,
    state: String,
    policy_document: Option<Value>,
    owner_id: Option<String>,
}

/// `ec2 describe-vpc-endpoints`: the endpoint policy is JSON text in
/// `PolicyDocument` (absent for endpoint types without policies).
pub(crate) fn vpc_endpoints(bytes: &[u8], ctx: &Ctx<'_>) -> Result<Data, Fail> {
    let out: EndpointsOut = serde_json::from_slice(bytes)?;
    let mut lines = Lines::new(bytes);
    let list = out
        .vpc_endpoints
        .into_iter()
        .filter(|e| !e.vpc_endpoint_id.is_empty())
        .map(|e| {
            let id = ctx.arn_or_id(
                "ec2",
                e.owner_id.as_deref(),
                "vpc-endpoint",
                &e.vpc_endpoint_id,
            );
            let policy = match e.policy_document {
                None | Some(Value::Null) => Known::Known(None),
                Some(v) => match policy(v) {
                    Ok(doc) => Known::Known(Some(doc)),
                    Err(why) => Known::Unknown(why),
                },
            };
            VpcEndpoint {
                resource: ctx
                    .rref("AWS::EC2::VPCEndpoint", id, e.owner_id.as_deref())
                    .named(e.vpc_endpoint_id.clone()),
                location: ctx.loc(&mut lines, &e.vpc_endpoint_id),
                id: e.vpc_endpoint_id,
                endpoint_type: e.vpc_endpoint_type,
                vpc_id: e.vpc_id,
                service_name: e.service_name,
                state: e.state,
                policy,
            }
        })
        .collect();
    Ok(wrap(Parsed::Endpoints(list)))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct ClustersOut {
    cluster_arns: Vec<String>,
}

/// `ecs list-clusters`.
pub(crate) fn clusters(bytes: &[u8]) -> Result<Data, Fail> {
    let out: ClustersOut = serde_json::from_slice(bytes)?;
    Ok(wrap(Parsed::Clusters(out.cluster_arns)))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct TasksOut {
    tasks: Vec<TaskShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct TaskShape {
    task_arn: String,
    cluster_arn: String,
    task_definition_arn: String,
    last_status: String,
    enable_execute_command: bool,
    overrides: Option<OverridesShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct OverridesShape {
    task_role_arn: Option<String>,
}

/// `ecs describe-tasks --cluster C --tasks …` (the tasks `list-tasks`
/// returned). The task role comes from the override, else from the task
/// definition (joined later).
pub(crate) fn tasks(bytes: &[u8], ctx: &Ctx<'_>) -> Result<Data, Fail> {
    let out: TasksOut = serde_json::from_slice(bytes)?;
    let mut lines = Lines::new(bytes);
    let list = out
        .tasks
        .into_iter()
        .filter(|t| !t.task_arn.is_empty())
        .map(|t| {
            let role = t
                .overrides
                .and_then(|o| o.task_role_arn)
                .filter(|r| !r.is_empty());
            EcsTask {
                resource: ctx.rref(
                    "AWS::ECS::Task",
                    t.task_arn.clone(),
                    super::iam::arn_account(&t.task_arn),
                ),
                location: ctx.loc(&mut lines, &t.task_arn),
                arn: t.task_arn,
                cluster_arn: t.cluster_arn,
                task_definition_arn: t.task_definition_arn,
                last_status: t.last_status,
                enable_execute_command: t.enable_execute_command,
                task_role_arn: role.map_or_else(Known::default, |r| Known::Known(Some(r))),
            }
        })
        .collect();
    Ok(wrap(Parsed::Tasks(list)))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct TaskDefinitionOut {
    task_definition: Option<TaskDefinitionShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct TaskDefinitionShape {
    task_role_arn: Option<String>,
    task_definition_arn: String,
    family: String,
    revision: u32,
    container_definitions: Vec<ContainerShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct ContainerShape {
    name: String,
    environment: Vec<NameValue>,
    secrets: Vec<NameValue>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct NameValue {
    name: String,
    value: Option<String>,
}

/// `ecs describe-task-definition --task-definition FAMILY:REVISION`:
/// the task role (for tasks without an override) and the definition's
/// containers with their plain `environment` and the names in `secrets`.
pub(crate) fn task_definition(bytes: &[u8], ctx: &Ctx<'_>) -> Result<Data, Fail> {
    let out: TaskDefinitionOut = serde_json::from_slice(bytes)?;
    let def = out
        .task_definition
        .ok_or_else(|| Fail::Other("no taskDefinition in the file".to_owned()))?;
    Ok(wrap(Parsed::TaskRole(
        def.task_role_arn.clone().filter(|r| !r.is_empty()),
        Box::new(ecs_task_definition(bytes, def, ctx)),
    )))
}

fn ecs_task_definition(bytes: &[u8], def: TaskDefinitionShape, ctx: &Ctx<'_>) -> EcsTaskDefinition {
    let mut lines = Lines::new(bytes);
    let id = if def.task_definition_arn.is_empty() {
        format!("{}:{}", def.family, def.revision)
    } else {
        def.task_definition_arn.clone()
    };
    let location = ctx.loc(&mut lines, &id);
    let containers = def
        .container_definitions
        .into_iter()
        .map(|c| EcsContainer {
            location: ctx.loc(&mut lines, &c.name),
            name: c.name,
            environment: c
                .environment
                .into_iter()
                .filter(|v| !v.name.is_empty())
                .map(|v| (v.name, v.value.unwrap_or_default()))
                .collect(),
            secrets: c.secrets.into_iter().map(|v| v.name).collect(),
        })
        .collect();
    EcsTaskDefinition {
        resource: ctx.rref(
            "AWS::ECS::TaskDefinition",
            id.clone(),
            super::iam::arn_account(&id),
        ),
        location,
        arn: id,
        family: def.family,
        revision: def.revision,
        containers: Known::Known(containers),
    }
}

/// Task definitions that no collected task named: resources of their own.
pub(crate) fn join_task_definitions(files: Vec<Data>, inv: &mut Inventory) {
    for d in files {
        if let Data::Messaging(Parsed::TaskRole(_, def)) = d {
            inv.ecs_task_definitions.push(*def);
        }
    }
}

fn api_unknown(d: Data) -> String {
    match d {
        Data::ApiError { code, message } if message.is_empty() => code,
        Data::ApiError { code, message } => format!("{code}: {message}"),
        Data::Invalid(why) => why,
        _ => "unexpected file content".to_owned(),
    }
}

/// Join a per-resource attributes file to a queue or topic.
fn attrs_of(data: Option<Data>) -> (Known<Option<PolicyDocument>>, Attributes) {
    match data {
        None => (Known::default(), Attributes::default()),
        Some(Data::Messaging(Parsed::Attributes(a))) => {
            let mut a = *a;
            let policy = match std::mem::replace(&mut a.policy, Ok(None)) {
                Ok(p) => Known::Known(p),
                Err(why) => Known::Unknown(why),
            };
            (policy, a)
        }
        Some(other) => (Known::Unknown(api_unknown(other)), Attributes::default()),
    }
}

/// Add one parsed collection file to the inventory; `take` hands over the
/// per-resource file of a kind for a name in the same region.
pub(crate) fn join(
    parsed: Parsed,
    inv: &mut Inventory,
    take: &mut dyn FnMut(Kind, &str) -> Option<Data>,
) {
    match parsed {
        Parsed::Queues(list) => {
            for mut q in list {
                let (policy, a) = attrs_of(take(Kind::QueueAttributes, &q.name));
                q.policy = policy;
                q.kms_key_id = a.kms_key_id;
                q.sqs_managed_sse = a.sqs_managed_sse;
                if a.location.is_some() {
                    q.location = a.location;
                }
                inv.queues.push(q);
            }
        }
        Parsed::Topics(list) => {
            for mut t in list {
                let (policy, a) = attrs_of(take(Kind::TopicAttributes, &t.name));
                t.policy = policy;
                t.kms_key_id = a.kms_key_id;
                if a.location.is_some() {
                    t.location = a.location;
                }
                inv.topics.push(t);
            }
        }
        Parsed::Endpoints(list) => inv.vpc_endpoints.extend(list),
        Parsed::Clusters(arns) => {
            // Task definitions are shared by tasks: read each file once.
            let mut roles: HashMap<String, Known<Option<String>>> = HashMap::new();
            for cluster in arns {
                let name = cluster.rsplit('/').next().unwrap_or_default().to_owned();
                let tasks = match take(Kind::EcsTasks, &name) {
                    Some(Data::Messaging(Parsed::Tasks(t))) => t,
                    _ => continue,
                };
                for mut t in tasks {
                    if matches!(t.task_role_arn, Known::Unknown(_)) {
                        let def = t
                            .task_definition_arn
                            .rsplit('/')
                            .next()
                            .unwrap_or_default()
                            .to_owned();
                        let key = file_key(&def);
                        let role = roles.entry(key).or_insert_with(|| {
                            match take(Kind::EcsTaskDefinition, &def) {
                                Some(Data::Messaging(Parsed::TaskRole(r, d))) => {
                                    inv.ecs_task_definitions.push(*d);
                                    Known::Known(r)
                                }
                                Some(other) => Known::Unknown(api_unknown(other)),
                                None => Known::unknown("task definition not collected"),
                            }
                        });
                        t.task_role_arn = role.clone();
                    }
                    inv.ecs_tasks.push(t);
                }
            }
        }
        // Per-resource files are taken by their collections.
        Parsed::Tasks(_)
        | Parsed::Attributes(_)
        | Parsed::TaskRole(..)
        | Parsed::SecretPolicy(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Ctx<'static> {
        Ctx {
            file: "us-east-1/x.json",
            region: Some("us-east-1"),
            account: Some("111122223333"),
            partition: "aws",
        }
    }

    #[test]
    fn queue_urls_give_arns() {
        let d = queues(
            br#"{"QueueUrls": ["https://sqs.us-east-1.amazonaws.com/444455556666/orders"]}"#,
            &ctx(),
        )
        .unwrap();
        let Data::Messaging(Parsed::Queues(q)) = d else {
            panic!("{d:?}")
        };
        assert_eq!(q[0].arn, "arn:aws:sqs:us-east-1:444455556666:orders");
        assert_eq!(q[0].resource.account.as_deref(), Some("444455556666"));
    }

    fn attributes_at(bytes: &[u8]) -> Result<Data, Fail> {
        attributes(bytes, &ctx())
    }

    #[test]
    fn attributes_policy_absent_text_and_bad() {
        let ok = attributes_at(br#"{"Attributes": {"Policy": "{\"Version\":\"2012-10-17\",\"Statement\":[]}", "KmsMasterKeyId": "alias/aws/sqs"}}"#).unwrap();
        let (p, a) = attrs_of(Some(ok));
        assert!(matches!(p, Known::Known(Some(_))));
        assert_eq!(a.kms_key_id.as_deref(), Some("alias/aws/sqs"));
        // Findings point at the attributes file, at its Policy line.
        let multi =
            attributes_at(b"{\n  \"Attributes\": {\n    \"Policy\": \"{}\"\n  }\n}").unwrap();
        let (_, a) = attrs_of(Some(multi));
        assert_eq!(
            a.location.map(|l| l.to_string()).as_deref(),
            Some("us-east-1/x.json:3")
        );
        let (p, _) = attrs_of(Some(attributes_at(b"{}").unwrap()));
        assert_eq!(p, Known::Known(None));
        let (p, _) = attrs_of(Some(
            attributes_at(br#"{"Attributes": {"Policy": "{not json"}}"#).unwrap(),
        ));
        assert!(matches!(p, Known::Unknown(_)));
        let (p, _) = attrs_of(Some(
            attributes_at(br#"{"Attributes": {"Policy": 7}}"#).unwrap(),
        ));
        assert!(matches!(p, Known::Unknown(_)));
        assert!(attributes_at(br#"{"Attributes": [1]}"#).is_err());
    }

    #[test]
    fn secret_policies_join_by_the_arn_inside() {
        let arn = "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf";
        let secret = |name: &str, arn: &str| {
            let mut s = Secret {
                name: name.into(),
                arn: arn.into(),
                ..Secret::default()
            };
            s.resource.region = Some("us-east-1".into());
            s
        };
        let mut secrets = vec![
            secret("prod/db", arn),
            secret(
                "plain",
                "arn:aws:secretsmanager:us-east-1:111122223333:secret:plain-x1Y2z3",
            ),
            secret(
                "locked",
                "arn:aws:secretsmanager:us-east-1:111122223333:secret:locked-q1W2e3",
            ),
        ];
        let with = r#"{
  "ARN": "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf",
  "Name": "prod/db",
  "ResourcePolicy": "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
}"#;
        let without = br#"{"ARN": "arn:aws:secretsmanager:us-east-1:111122223333:secret:plain-x1Y2z3", "Name": "plain"}"#;
        let files = vec![
            // The file name does not decide: the ARN inside does.
            (
                Some("us-east-1".to_owned()),
                "anything".to_owned(),
                secret_policy(with.as_bytes(), &ctx()).unwrap(),
            ),
            (
                Some("us-east-1".to_owned()),
                "plain".to_owned(),
                secret_policy(without, &ctx()).unwrap(),
            ),
            (
                Some("us-east-1".to_owned()),
                "locked".to_owned(),
                Data::ApiError {
                    code: "AccessDeniedException".into(),
                    message: String::new(),
                },
            ),
            (
                Some("us-east-1".to_owned()),
                "gone".to_owned(),
                secret_policy(
                    br#"{"ARN": "arn:aws:secretsmanager:us-east-1:111122223333:secret:gone-AAAAAA"}"#,
                    &ctx(),
                )
                .unwrap(),
            ),
        ];
        let left = join_secret_policies(files, &mut secrets);
        assert!(matches!(secrets[0].policy, Known::Known(Some(_))));
        // Findings on the policy point at its own file, at `ResourcePolicy`.
        assert_eq!(
            secrets[0].policy_location.as_ref().map(ToString::to_string),
            Some("us-east-1/x.json:4".to_owned())
        );
        assert!(secrets[2].policy_location.is_none());
        assert_eq!(secrets[1].policy, Known::Known(None));
        assert_eq!(
            secrets[2].policy,
            Known::Unknown("AccessDeniedException".into())
        );
        assert_eq!(
            left,
            ["arn:aws:secretsmanager:us-east-1:111122223333:secret:gone-AAAAAA"]
        );
        assert!(secret_policy(b"{}", &ctx()).is_err());
        let bad = secret_policy(br#"{"ARN": "a", "ResourcePolicy": "{nope"}"#, &ctx()).unwrap();
        let mut one = vec![secret("a", "a")];
        join_secret_policies(vec![(None, "a".into(), bad)], &mut one);
        assert!(matches!(one[0].policy, Known::Unknown(_)));
    }

    #[test]
    fn task_role_from_override_else_definition() {
        let t = br#"{"tasks": [
            {"taskArn": "arn:aws:ecs:us-east-1:111122223333:task/prod/a1", "clusterArn": "arn:aws:ecs:us-east-1:111122223333:cluster/prod",
             "taskDefinitionArn": "arn:aws:ecs:us-east-1:111122223333:task-definition/web:3", "lastStatus": "RUNNING", "enableExecuteCommand": true},
            {"taskArn": "arn:aws:ecs:us-east-1:111122223333:task/prod/b2", "clusterArn": "arn:aws:ecs:us-east-1:111122223333:cluster/prod",
             "taskDefinitionArn": "arn:aws:ecs:us-east-1:111122223333:task-definition/web:3", "lastStatus": "RUNNING",
             "overrides": {"taskRoleArn": "arn:aws:iam::111122223333:role/other"}}
        ]}"#;
        let mut files: HashMap<(Kind, String), Data> = HashMap::new();
        files.insert((Kind::EcsTasks, "prod".into()), tasks(t, &ctx()).unwrap());
        files.insert(
            (Kind::EcsTaskDefinition, "web_3".into()),
            task_definition(
                br#"{"taskDefinition": {"taskRoleArn": "arn:aws:iam::111122223333:role/web"}}"#,
                &ctx(),
            )
            .unwrap(),
        );
        let mut inv = Inventory::default();
        let mut take = |k: Kind, name: &str| files.remove(&(k, file_key(name)));
        join(
            Parsed::Clusters(vec![
                "arn:aws:ecs:us-east-1:111122223333:cluster/prod".into()
            ]),
            &mut inv,
            &mut take,
        );
        let roles: Vec<_> = inv
            .ecs_tasks
            .iter()
            .map(|t| t.task_role_arn.clone())
            .collect();
        assert_eq!(
            roles,
            [
                Known::Known(Some("arn:aws:iam::111122223333:role/web".to_owned())),
                Known::Known(Some("arn:aws:iam::111122223333:role/other".to_owned())),
            ]
        );
        assert!(inv.ecs_tasks[0].enable_execute_command);
        assert!(task_definition(b"{}", &ctx()).is_err());
        // The definition the tasks named is kept, once.
        assert_eq!(inv.ecs_task_definitions.len(), 1);
    }

    #[test]
    fn task_definition_containers_environment_and_secrets() {
        let d = task_definition(
            br#"{"taskDefinition": {
                "taskDefinitionArn": "arn:aws:ecs:us-east-1:444455556666:task-definition/api:7",
                "family": "api", "revision": 7,
                "containerDefinitions": [
                  {"name": "app",
                   "environment": [{"name": "DB_PASSWORD", "value": "x"}, {"name": "EMPTY"}],
                   "secrets": [{"name": "API_KEY", "valueFrom": "arn:aws:ssm:us-east-1:444455556666:parameter/api"}]},
                  {"name": "sidecar"}
                ]}}"#,
            &ctx(),
        )
        .unwrap();
        let mut inv = Inventory::default();
        join_task_definitions(vec![d], &mut inv);
        let def = &inv.ecs_task_definitions[0];
        assert_eq!(def.family, "api");
        assert_eq!(def.revision, 7);
        assert_eq!(def.resource.account.as_deref(), Some("444455556666"));
        let Known::Known(c) = &def.containers else {
            panic!("{def:?}")
        };
        assert_eq!(c.len(), 2);
        assert_eq!(
            c[0].environment.get("DB_PASSWORD").map(String::as_str),
            Some("x")
        );
        assert_eq!(c[0].environment.get("EMPTY").map(String::as_str), Some(""));
        assert_eq!(c[0].secrets, ["API_KEY"]);
        assert!(c[1].environment.is_empty());
    }
}
