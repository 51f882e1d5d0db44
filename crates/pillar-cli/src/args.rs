//! Command-line arguments: every flag once, with its help.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Review an AWS workload against the Well-Architected Security Pillar.
#[derive(Debug, Parser)]
#[command(name = "pillar", version, about, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Review snapshots (and, as they land, Terraform, CloudFormation, code) under PATH.
    Scan(ScanArgs),
    /// List every rule, or generate the rule docs (`--format md -o docs/rules`).
    Rules(RulesArgs),
    /// Print one rule's documentation.
    Explain(ExplainArgs),
    /// IAM: decide requests exactly as AWS does, who-can, policy lint.
    Iam(IamArgs),
    /// Find hard-coded secrets (keys, tokens, passwords, private keys) in files; redacted.
    Secrets(SecretsArgs),
    /// Run detection rules (Sigma) over CloudTrail logs.
    Detect(DetectArgs),
    /// Compare two JSON reports by fingerprint: fixed, new and unchanged failures.
    Diff(DiffArgs),
    /// Network reachability: what the internet really reaches, hop by hop.
    Net(NetArgs),
    /// Incident response: print a playbook's plan for a finding; --apply runs it.
    Respond(RespondArgs),
    /// The incident-response audit log: verify its hash chain.
    Audit(AuditArgs),
    /// Read the live AWS account (read-only) into a snapshot folder: `collect --aws -o DIR`.
    Collect(CollectArgs),
}

/// Output formats of `scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScanFormat {
    /// Human-readable review grouped by domain.
    Text,
    /// JSON report (schema `pillar-report/v1`, see docs/report-schema.json).
    Json,
    /// SARIF 2.1.0 for code-scanning tools.
    Sarif,
    /// One self-contained HTML file (works offline): scores, Well-Architected matrix, graphs, findings.
    Html,
    /// GitHub-flavoured Markdown for a pull-request comment (under 65,536 characters).
    #[value(alias = "md")]
    #[serde(alias = "md")]
    Markdown,
    /// OCSF 1.1 events (Compliance / Detection Finding), one JSON object per line.
    Ocsf,
    /// AWS Security Finding Format for `securityhub batch-import-findings`: one batch of <= 100 per line.
    Asff,
    /// JUnit XML: one test case per rule and resource.
    Junit,
}

/// Output formats of `pillar diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Counts, then the new and the fixed failures.
    Text,
    /// JSON (`pillar-diff/v1`).
    Json,
    /// GitHub-flavoured Markdown.
    #[value(alias = "md")]
    Markdown,
}

/// `pillar diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier JSON report (`pillar scan --format json`).
    pub old: PathBuf,
    /// The later JSON report.
    pub new: PathBuf,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: DiffFormat,
    /// Write to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit with 1 when a new failure at or above this severity appears.
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
}

/// When to colour text output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and `NO_COLOR` is unset.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Severity threshold for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    /// Critical only.
    Critical,
    /// High and above.
    High,
    /// Medium and above.
    Medium,
    /// Low and above.
    Low,
    /// Any failure.
    Info,
}

/// `pillar scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Folders to review (default: the current folder).
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<ScanFormat>,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit with 1 when a failure at or above this severity is found.
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Run only these rules: ids, id prefixes (`iam-`, `ec2-sg-*`), services (`s3`) or
    /// domains (`data-protection`). Repeatable or comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Skip these rules (same patterns as --select).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Report only failures whose fingerprint is not in this earlier JSON report.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Configuration file (default: ./pillar.toml when present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Also list passed and not-assessed results.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Colour text output.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    /// Skip input files larger than this many MiB.
    #[arg(long, value_name = "MIB", default_value_t = 256)]
    pub max_file_mib: u64,
    /// Set a Terraform input variable; repeatable, later wins (after tfvars files).
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_key_value)]
    pub tf_vars: Vec<(String, String)>,
    /// Read Terraform variables from a .tfvars file (after *.auto.tfvars); repeatable.
    #[arg(long = "var-file", value_name = "FILE")]
    pub tf_var_files: Vec<PathBuf>,
    /// Set a CloudFormation template parameter; repeatable.
    #[arg(long = "cfn-param", value_name = "NAME=VALUE", value_parser = parse_key_value)]
    pub cfn_params: Vec<(String, String)>,
    /// The live AWS account (`--aws`).
    #[command(flatten)]
    pub live: AwsArgs,
}

/// The live AWS account: `scan --aws`, `collect --aws`. Read-only calls
/// (the managed SecurityAudit policy suffices). Needs a build with the
/// `aws` feature; the flags exist in every build so the help is the same.
#[derive(Debug, Clone, Args)]
pub struct AwsArgs {
    /// Read the live AWS account through the AWS SDK (read-only; standard credential chain).
    #[arg(long)]
    pub aws: bool,
    /// Named profile from the AWS config files (SSO and assume-role profiles work).
    #[arg(long, value_name = "NAME", requires = "aws")]
    pub profile: Option<String>,
    /// Region to read; repeatable (default: the configured region).
    #[arg(long = "region", value_name = "REGION", requires = "aws")]
    pub regions: Vec<String>,
    /// Read every region enabled for the account.
    #[arg(long, requires = "aws", conflicts_with = "regions")]
    pub all_regions: bool,
    /// Send every AWS call to this URL (an emulator such as moto).
    #[arg(long, value_name = "URL", requires = "aws")]
    pub endpoint_url: Option<String>,
    /// AWS API calls in flight at once, across services and regions.
    #[arg(long, value_name = "N", default_value_t = 16)]
    pub aws_concurrency: usize,
    /// Time-out of one AWS API call, retries included, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub aws_timeout: u64,
    /// Attempts per AWS API call: the SDK's standard retry mode, with
    /// exponential backoff on throttling and server errors (1: no retry).
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=20))]
    pub aws_max_attempts: u32,
}

/// `pillar collect`.
#[derive(Debug, Args)]
pub struct CollectArgs {
    /// The live account to read.
    #[command(flatten)]
    pub live: AwsArgs,
    /// Folder to write the snapshot to (created if needed).
    #[arg(long = "output-dir", short = 'o', value_name = "DIR", required = true)]
    pub output: PathBuf,
}

/// `NAME=VALUE` for `--var` and `--cfn-param`.
fn parse_key_value(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_owned(), v.to_owned())),
        _ => Err(format!("expected NAME=VALUE, got `{s}`")),
    }
}

/// Output formats of `pillar respond`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RespondFormat {
    /// The plan (or what was done) for people.
    Text,
    /// JSON.
    Json,
}

/// `pillar respond`: plan by default; `--apply` makes the changes.
#[derive(Debug, Args)]
pub struct RespondArgs {
    /// Playbook (YAML), e.g. playbooks/compromised-access-key.yml.
    pub playbook: PathBuf,
    /// The finding: one finding (JSON object) or a pillar JSON report.
    #[arg(long, value_name = "FILE")]
    pub finding: PathBuf,
    /// Pick this finding of a report (by its fingerprint).
    #[arg(long, value_name = "FINGERPRINT")]
    pub fingerprint: Option<String>,
    /// Set a playbook input (wins over the finding); repeatable.
    #[arg(long = "input", value_name = "NAME=VALUE", value_parser = parse_key_value)]
    pub inputs: Vec<(String, String)>,
    /// Make the changes (needs the aws build feature). Without it, only the plan is printed.
    #[arg(long)]
    pub apply: bool,
    /// Undo what earlier runs of this incident changed, from the before-state in the audit log.
    #[arg(long)]
    pub undo: bool,
    /// Approve every approval gate (without it, --apply stops before a gated step).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Incident id for tags, names and the log (default: derived from the playbook and the finding).
    #[arg(long, value_name = "ID")]
    pub incident_id: Option<String>,
    /// Append-only audit log (JSON Lines, hash-chained).
    #[arg(long, value_name = "FILE", default_value = "respond-audit.jsonl")]
    pub audit_log: PathBuf,
    /// Folder for evidence files (default: `evidence/` next to the audit log).
    #[arg(long, value_name = "DIR")]
    pub evidence_dir: Option<PathBuf>,
    /// AWS region (default: the finding's region, else the configured one).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Named profile from the AWS config files.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Send every AWS call to this URL (an emulator such as moto).
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: RespondFormat,
}

/// `pillar audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: AuditCommand,
}

/// `pillar audit` subcommands.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Verify a response audit log: exit 0 when intact, 1 naming the first bad line.
    Verify(AuditVerifyArgs),
}

/// `pillar audit verify`.
#[derive(Debug, Args)]
pub struct AuditVerifyArgs {
    /// The log (e.g. respond-audit.jsonl); its `.head` file is checked too when present.
    pub log: PathBuf,
    /// The SHA-256 of the last entry recorded elsewhere (a ticket): detects removal from the end.
    #[arg(long, value_name = "SHA256")]
    pub head: Option<String>,
}

/// Formats of `pillar rules`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    /// One line per rule.
    Text,
    /// JSON array of rule metadata.
    Json,
    /// Markdown pages (one per rule plus README.md) written to `-o DIR`.
    Md,
}

/// `pillar rules`.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: RulesFormat,
    /// Folder for `--format md` (default: docs/rules).
    #[arg(long, short = 'o', value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// With `--format md`: fail if the files in DIR differ from what would be generated.
    #[arg(long)]
    pub check: bool,
    /// `pillar rules check`: validate detection rules.
    #[command(subcommand)]
    pub action: Option<RulesAction>,
}

/// Subcommands of `pillar rules`.
#[derive(Debug, Subcommand)]
pub enum RulesAction {
    /// Validate Sigma detection rules: every file loads (errors name file and line) and every
    /// rule's `pillar.examples` match and `pillar.negative_examples` do not. Exit 0 when all
    /// pass, 1 when an example fails, 2 when a rule cannot be loaded. Without PATH: the
    /// shipped pack, and the shipped secret rules' examples and negative examples.
    Check(RulesCheckArgs),
}

/// `pillar rules check`.
#[derive(Debug, Args)]
pub struct RulesCheckArgs {
    /// Sigma rule files or folders of .yml/.yaml (default: the shipped pack).
    pub paths: Vec<PathBuf>,
    /// Check the shipped pack as well as PATH (correlations in PATH may refer to it).
    #[arg(long)]
    pub with_default_rules: bool,
    /// Values of `%name%` placeholders for rules using the `expand` modifier.
    #[arg(long, value_name = "FILE")]
    pub placeholders: Option<PathBuf>,
    /// Output: text lines (`file:line: rule: message`) or one JSON object.
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: RulesCheckFormat,
}

/// Formats of `pillar rules check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesCheckFormat {
    /// One line per problem, then a summary.
    Text,
    /// `{"rules", "correlations", "examples", "ok", "problems": [{file, line, rule, kind, message}]}`.
    Json,
}

/// `pillar explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Rule id, e.g. `ec2-sg-admin-port-open`.
    pub rule: String,
}

/// `pillar detect`.
#[derive(Debug, Args)]
pub struct DetectArgs {
    /// CloudTrail logs (`{"Records":[…]}` files, .json, .json.gz, JSON Lines), VPC flow
    /// logs (text with their header line, .log, .log.gz) and S3 server access logs, folders
    /// of them, or `-` for standard input.
    pub logs: Vec<PathBuf>,
    /// Sigma rules (a file or a folder of .yml) to run as well as the shipped pack.
    /// Repeatable.
    #[arg(long, value_name = "DIR")]
    pub rules: Vec<PathBuf>,
    /// Run only the rules given with --rules, not the shipped pack.
    #[arg(long)]
    pub no_default_rules: bool,
    /// Values of `%name%` placeholders for rules using the `expand` modifier: a YAML
    /// mapping of names to a value or a list of values.
    #[arg(long, value_name = "FILE")]
    pub placeholders: Option<PathBuf>,
    /// Print the rules as SQL over the standard CloudTrail table instead of reading logs
    /// (single-event rules, event_count and value_count correlations).
    #[arg(long, value_enum, value_name = "ENGINE")]
    pub emit_sql: Option<SqlDialect>,
    /// With --emit-sql: the CloudTrail table's name.
    #[arg(long, value_name = "NAME", default_value = "cloudtrail_logs")]
    pub sql_table: String,
    /// First-seen detection: a JSON file of the APIs and regions each principal used in
    /// earlier runs; a known principal's new API or region is reported. A missing file is an
    /// empty history (with --update-history, the first run learns).
    #[arg(long, value_name = "FILE")]
    pub history: Option<PathBuf>,
    /// With --history: add this run's APIs and regions to the history file.
    #[arg(long, requires = "history")]
    pub update_history: bool,
    /// Impossible travel between console sign-ins: a CSV of `network,latitude,longitude`
    /// locating source addresses.
    #[arg(long, value_name = "FILE")]
    pub geoip: Option<PathBuf>,
    /// A snapshot of the account (folder, repeatable): instance credentials used from an
    /// address that is not the instance's (its IPs, Elastic IPs, its VPC's NAT gateways) are
    /// reported as high. Without it, a key used from a second public address is (medium).
    #[arg(long, value_name = "DIR")]
    pub snapshot: Vec<PathBuf>,
    /// Groups one correlation keeps at most (bounded memory); events of further groups are
    /// dropped and the report says so.
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    pub max_groups: usize,
    /// Same as `pillar rules check` over the shipped pack and --rules (kept as an alias).
    #[arg(long)]
    pub check_rules: bool,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: ScanFormat,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit with 1 when a detection at or above this severity is found.
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Colour text output.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    /// Print event counts and throughput to standard error.
    #[arg(long)]
    pub stats: bool,
    /// Keep reading the files and folders as they grow (polling) and print each detection
    /// as it comes: one line per finding (JSON Lines with `-f json`). Runs until stopped.
    #[arg(long)]
    pub follow: bool,
    /// With --follow: milliseconds between looks at the files.
    #[arg(long, value_name = "MS", default_value_t = 1000, requires = "follow")]
    pub poll_ms: u64,
}

/// SQL engines of `pillar detect --emit-sql`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SqlDialect {
    /// Amazon Athena (engine version 3).
    Athena,
    /// Trino.
    Trino,
    /// Apache Spark SQL.
    Spark,
}

/// `pillar net`.
#[derive(Debug, Args)]
pub struct NetArgs {
    /// What to ask.
    #[command(subcommand)]
    pub command: NetCommand,
}

/// `pillar net` subcommands.
#[derive(Debug, Subcommand)]
pub enum NetCommand {
    /// Every resource the internet reaches: protocol, ports, sources and the path.
    Exposure(NetExposureArgs),
    /// The path from the internet to one resource on one port, or the hop that blocks it.
    Path(NetPathArgs),
}

/// Inputs of `pillar net`.
#[derive(Debug, Args)]
pub struct NetSource {
    /// Folders or snapshots to read (default: the current folder).
    pub paths: Vec<PathBuf>,
}

/// Output formats of `pillar net`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NetFormat {
    /// Human-readable.
    Text,
    /// JSON.
    Json,
    /// Graphviz DOT of the exposure graph (`net exposure` only).
    Dot,
    /// Mermaid flowchart of the exposure graph (`net exposure` only).
    Mermaid,
}

/// `pillar net exposure`.
#[derive(Debug, Args)]
pub struct NetExposureArgs {
    /// Inputs.
    #[command(flatten)]
    pub source: NetSource,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: NetFormat,
    /// Write to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `pillar net path`.
#[derive(Debug, Args)]
pub struct NetPathArgs {
    /// Inputs.
    #[command(flatten)]
    pub source: NetSource,
    /// Instance id, ENI id, DB identifier, or load balancer name or ARN.
    #[arg(long, value_name = "ID")]
    pub to: String,
    /// Destination port (ICMP: the type).
    #[arg(long)]
    pub port: u16,
    /// Protocol: tcp, udp, icmp, icmpv6 or a number.
    #[arg(long, default_value = "tcp")]
    pub protocol: String,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: NetFormat,
}

/// `pillar secrets`.
#[derive(Debug, Args)]
pub struct SecretsArgs {
    /// Files or folders to scan (default: the current folder).
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<ScanFormat>,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit with 1 when a secret at or above this severity is found.
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Report only secrets whose fingerprint is not in this earlier JSON report.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Also scan files that .gitignore and .ignore files exclude.
    #[arg(long)]
    pub no_ignore: bool,
    /// Skip files larger than this many MiB (noted in the report).
    #[arg(long, value_name = "MIB", default_value_t = 16)]
    pub max_file_mib: u64,
    /// Worker threads (0: one per core).
    #[arg(long, short = 'j', default_value_t = 0)]
    pub threads: usize,
    /// Colour text output.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    /// List the secret rules and exit.
    #[arg(long)]
    pub list_rules: bool,
    /// Check every rule's examples and negative examples, and exit.
    #[arg(long)]
    pub check_rules: bool,
    /// Print files and bytes scanned, the time taken and what each rule cost (keyword
    /// hits, regex windows, bytes, time, matches) to standard error.
    #[arg(long)]
    pub stats: bool,
    /// Scan the git history of each PATH's repository: the secrets every commit added,
    /// with commit, author and date (not the uncommitted working tree).
    #[arg(long)]
    pub git: bool,
    /// With --git: only commits not reachable from REV (a branch, tag, commit or HEAD~N).
    #[arg(long, value_name = "REV", requires = "git")]
    pub since: Option<String>,
    /// Write the plan to move every secret found to AWS Secrets Manager (Markdown:
    /// names, CLI and Terraform to create them, how the code reads them) instead of the report.
    #[arg(long)]
    pub fix_plan: bool,
    /// Also load this rule pack (repeatable): pillar rule YAML, a gitleaks TOML
    /// configuration or a noseyparker rule YAML; what cannot be loaded is noted on standard error.
    #[arg(long = "rules", value_name = "FILE")]
    pub rule_packs: Vec<PathBuf>,
    /// Also scan the files inside .tar, .tar.gz, .tgz, .gz and zip files (.zip, .jar, .war,
    /// .ear, .apk, .aar, .whl, .egg, .nupkg) (bounded: each member up to --max-file-mib,
    /// 256 MiB and 100,000 members per archive; zip bombs and encrypted members skipped).
    #[arg(long)]
    pub archives: bool,
}

/// `pillar iam`.
#[derive(Debug, Args)]
pub struct IamArgs {
    /// What to ask.
    #[command(subcommand)]
    pub command: IamCommand,
}

/// `pillar iam` subcommands.
#[derive(Debug, Subcommand)]
pub enum IamCommand {
    /// Decide one request: Allowed, ExplicitlyDenied or ImplicitlyDenied, with the deciding statements.
    Simulate(IamSimulateArgs),
    /// Every principal in the inventory (and anonymous callers) that can perform ACTION on RESOURCE.
    WhoCan(IamWhoCanArgs),
    /// Check policy files: errors with line and JSON path, and risky grants.
    Lint(IamLintArgs),
    /// Who is administrator, and who can become one, by which steps
    /// (access keys, assume-role chains, passed roles, self-granted policies).
    Escalation(IamEscalationArgs),
    /// The actions an action pattern grants (`s3:Get*`), with their access
    /// level, from the catalog of AWS's Service Authorization Reference.
    Actions(IamActionsArgs),
}

/// `pillar iam actions`.
#[derive(Debug, Args)]
pub struct IamActionsArgs {
    /// Action patterns, e.g. `s3:Get*`, `iam:*AccessKey*`.
    #[arg(required = true)]
    pub patterns: Vec<String>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: IamFormat,
}

/// `pillar iam escalation`.
#[derive(Debug, Args)]
pub struct IamEscalationArgs {
    /// Folders or snapshots to read (default: the current folder).
    pub paths: Vec<PathBuf>,
    /// Only the paths of this principal (ARN).
    #[arg(long, value_name = "ARN")]
    pub principal: Option<String>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: IamFormat,
}

/// Output formats of `pillar iam`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum IamFormat {
    /// Human-readable.
    Text,
    /// JSON.
    Json,
}

/// `pillar iam simulate`.
#[derive(Debug, Args)]
pub struct IamSimulateArgs {
    /// A case file: a request with inline policy sets (one case or a JSON array); prints JSON.
    #[arg(long, value_name = "CASE.json", conflicts_with_all = ["snapshot", "principal"])]
    pub case: Option<PathBuf>,
    /// Snapshot folders to take the policies from (default: the current folder).
    #[arg(long, value_name = "DIR")]
    pub snapshot: Vec<PathBuf>,
    /// Principal ARN (user, role, or assumed-role session).
    #[arg(long, value_name = "ARN")]
    pub principal: Option<String>,
    /// Action, e.g. `s3:GetObject`.
    #[arg(long)]
    pub action: Option<String>,
    /// Resource ARN (may hold `*` to ask about a set of resources).
    #[arg(long, value_name = "ARN")]
    pub resource: Option<String>,
    /// Request context `KEY=VALUE` (repeat; a key given twice is multivalued).
    #[arg(long = "context", value_name = "KEY=VALUE")]
    pub context: Vec<String>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: IamFormat,
}

/// `pillar iam who-can`.
#[derive(Debug, Args)]
pub struct IamWhoCanArgs {
    /// Action, e.g. `s3:DeleteBucket`.
    pub action: String,
    /// Resource ARN.
    pub resource: String,
    /// Folders or snapshots to read (default: the current folder).
    pub paths: Vec<PathBuf>,
    /// Request context `KEY=VALUE` (repeat).
    #[arg(long = "context", value_name = "KEY=VALUE")]
    pub context: Vec<String>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: IamFormat,
}

/// `pillar iam lint`.
#[derive(Debug, Args)]
pub struct IamLintArgs {
    /// Policy documents (JSON), or snapshot folders whose policies to lint.
    pub files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: IamFormat,
}
