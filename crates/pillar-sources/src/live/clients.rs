//! SDK configuration and clients: the standard credential chain, retries
//! with backoff, time-outs, and an optional custom endpoint (an emulator).

use super::Options;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_smithy_runtime_api::client::endpoint::EndpointFuture;
use aws_smithy_types::endpoint::Endpoint;
use std::collections::HashMap;
use std::sync::Mutex;

/// Region used for global services when none is configured.
const FALLBACK_REGION: &str = "us-east-1";

/// Load the shared configuration: environment, profile (SSO and
/// assume-role included), instance metadata — the SDK's default chain.
pub(crate) async fn load(opts: &Options) -> SdkConfig {
    let attempts = opts.max_attempts.max(1);
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::standard().with_max_attempts(attempts))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(opts.connect_timeout)
                .operation_timeout(opts.call_timeout)
                .build(),
        );
    if let Some(profile) = &opts.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(url) = &opts.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    let config = loader.load().await;
    if config.region().is_some() {
        return config;
    }
    // No region configured: global services still need one to sign.
    let home = opts
        .regions
        .first()
        .cloned()
        .unwrap_or_else(|| FALLBACK_REGION.to_owned());
    config.into_builder().region(Region::new(home)).build()
}

/// The home region: the configured one, else the first asked for.
pub(crate) fn home_region(config: &SdkConfig) -> String {
    config
        .region()
        .map_or_else(|| FALLBACK_REGION.to_owned(), |r| r.to_string())
}

/// An endpoint resolver that returns the given URL unchanged. S3 Control
/// puts the account id in front of the host name (`123456789012.host`);
/// against an emulator that name does not resolve, so with a custom
/// endpoint every request goes to the URL as given.
#[derive(Debug, Clone)]
pub(crate) struct FixedEndpoint(pub String);

impl aws_sdk_s3control::config::endpoint::ResolveEndpoint for FixedEndpoint {
    fn resolve_endpoint<'a>(
        &'a self,
        _params: &'a aws_sdk_s3control::config::endpoint::Params,
    ) -> EndpointFuture<'a> {
        EndpointFuture::ready(Ok(Endpoint::builder().url(self.0.clone()).build()))
    }
}

/// Clients for the global services, and S3 clients per bucket region.
pub(crate) struct Global {
    pub config: SdkConfig,
    pub endpoint_url: Option<String>,
    pub sts: aws_sdk_sts::Client,
    pub iam: aws_sdk_iam::Client,
    pub s3: aws_sdk_s3::Client,
    pub s3control: aws_sdk_s3control::Client,
    pub organizations: aws_sdk_organizations::Client,
    s3_by_region: Mutex<HashMap<String, aws_sdk_s3::Client>>,
}

fn s3_client(
    config: &SdkConfig,
    region: Option<&str>,
    custom_endpoint: bool,
) -> aws_sdk_s3::Client {
    let mut b = aws_sdk_s3::config::Builder::from(config);
    if let Some(r) = region {
        b = b.region(Region::new(r.to_owned()));
    }
    // An emulator has one host: bucket names cannot be sub-domains of it.
    if custom_endpoint {
        b = b.force_path_style(true);
    }
    aws_sdk_s3::Client::from_conf(b.build())
}

impl Global {
    pub fn new(config: SdkConfig, endpoint_url: Option<String>) -> Global {
        let custom = endpoint_url.is_some();
        let mut s3control = aws_sdk_s3control::config::Builder::from(&config);
        if let Some(url) = &endpoint_url {
            s3control = s3control.endpoint_resolver(FixedEndpoint(url.clone()));
        }
        Global {
            sts: aws_sdk_sts::Client::new(&config),
            iam: aws_sdk_iam::Client::new(&config),
            s3: s3_client(&config, None, custom),
            s3control: aws_sdk_s3control::Client::from_conf(s3control.build()),
            organizations: aws_sdk_organizations::Client::new(&config),
            s3_by_region: Mutex::new(HashMap::new()),
            config,
            endpoint_url,
        }
    }

    /// An S3 client for a bucket's region (S3 redirects calls made in
    /// another region).
    pub fn s3_in(&self, region: &str) -> aws_sdk_s3::Client {
        let custom = self.endpoint_url.is_some();
        match self.s3_by_region.lock() {
            Ok(mut map) => map
                .entry(region.to_owned())
                .or_insert_with(|| s3_client(&self.config, Some(region), custom))
                .clone(),
            Err(_) => s3_client(&self.config, Some(region), custom),
        }
    }

    /// The EC2 client of the home region (for `describe-regions`).
    pub fn ec2_home(&self) -> aws_sdk_ec2::Client {
        aws_sdk_ec2::Client::new(&self.config)
    }
}

/// Clients of one region.
pub(crate) struct Regional {
    pub region: String,
    pub ec2: aws_sdk_ec2::Client,
    pub elbv2: aws_sdk_elasticloadbalancingv2::Client,
    pub elb: aws_sdk_elasticloadbalancing::Client,
    pub wafv2: aws_sdk_wafv2::Client,
    pub kms: aws_sdk_kms::Client,
    pub secrets: aws_sdk_secretsmanager::Client,
    pub rds: aws_sdk_rds::Client,
    pub lambda: aws_sdk_lambda::Client,
    pub cloudtrail: aws_sdk_cloudtrail::Client,
    pub guardduty: aws_sdk_guardduty::Client,
    pub securityhub: aws_sdk_securityhub::Client,
    pub config: aws_sdk_config::Client,
    pub analyzer: aws_sdk_accessanalyzer::Client,
    pub events: aws_sdk_eventbridge::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    pub sqs: aws_sdk_sqs::Client,
    pub sns: aws_sdk_sns::Client,
    pub ecs: aws_sdk_ecs::Client,
}

impl Regional {
    pub fn new(shared: &SdkConfig, region: &str) -> Regional {
        let config = shared
            .clone()
            .into_builder()
            .region(Region::new(region.to_owned()))
            .build();
        Regional {
            region: region.to_owned(),
            ec2: aws_sdk_ec2::Client::new(&config),
            elbv2: aws_sdk_elasticloadbalancingv2::Client::new(&config),
            elb: aws_sdk_elasticloadbalancing::Client::new(&config),
            wafv2: aws_sdk_wafv2::Client::new(&config),
            kms: aws_sdk_kms::Client::new(&config),
            secrets: aws_sdk_secretsmanager::Client::new(&config),
            rds: aws_sdk_rds::Client::new(&config),
            lambda: aws_sdk_lambda::Client::new(&config),
            cloudtrail: aws_sdk_cloudtrail::Client::new(&config),
            guardduty: aws_sdk_guardduty::Client::new(&config),
            securityhub: aws_sdk_securityhub::Client::new(&config),
            config: aws_sdk_config::Client::new(&config),
            analyzer: aws_sdk_accessanalyzer::Client::new(&config),
            events: aws_sdk_eventbridge::Client::new(&config),
            logs: aws_sdk_cloudwatchlogs::Client::new(&config),
            sqs: aws_sdk_sqs::Client::new(&config),
            sns: aws_sdk_sns::Client::new(&config),
            ecs: aws_sdk_ecs::Client::new(&config),
        }
    }
}
