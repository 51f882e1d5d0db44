//! The collector rules report through.

use crate::meta::Meta;
use pillar_model::finding::{fingerprint, Remediation};
use pillar_model::resources::Resource;
use pillar_model::{Finding, Location, ResourceRef, SourceKind, Status};
use serde_json::Value;
use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Collects a rule's results as findings.
pub struct Out {
    meta: &'static Meta,
    findings: Vec<Finding>,
    shared: Option<Arc<Shared>>,
}

/// Results that several rules of one run derive from the same inventory
/// (the reachability analysis), computed once per run. A run has one
/// inventory, so nothing here can be stale.
#[derive(Default)]
pub struct Shared(Mutex<HashMap<&'static str, Arc<dyn Any + Send + Sync>>>);

impl Out {
    /// A collector for one rule.
    pub fn new(meta: &'static Meta) -> Self {
        Out {
            meta,
            findings: Vec::new(),
            shared: None,
        }
    }

    /// A collector for one rule of a run whose rules share `shared`.
    pub fn with_shared(meta: &'static Meta, shared: Arc<Shared>) -> Self {
        Out {
            meta,
            findings: Vec::new(),
            shared: Some(shared),
        }
    }

    /// The value under `key` shared by the rules of this run, computed by
    /// `compute` the first time. Outside a run (a rule called on its own)
    /// it is computed afresh.
    pub fn shared<T: Any + Send + Sync>(
        &self,
        key: &'static str,
        compute: impl FnOnce() -> T,
    ) -> Arc<T> {
        let Some(shared) = &self.shared else {
            return Arc::new(compute());
        };
        // Holding the lock while computing makes the other rules wait for
        // the one result instead of computing it again.
        let Ok(mut map) = shared.0.lock() else {
            return Arc::new(compute());
        };
        if let Some(v) = map
            .get(key)
            .and_then(|v| Arc::clone(v).downcast::<T>().ok())
        {
            return v;
        }
        let v = Arc::new(compute());
        map.insert(key, Arc::clone(&v) as Arc<dyn Any + Send + Sync>);
        v
    }

    /// The findings collected.
    pub fn into_findings(self) -> Vec<Finding> {
        self.findings
    }

    /// The findings collected so far.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// Report a resource in the bad state.
    pub fn fail(&mut self, r: &impl Resource, message: impl Into<String>, evidence: Value) {
        self.push(
            Status::Fail,
            r.resource().clone(),
            r.location().cloned(),
            message.into(),
            evidence,
            "",
        );
    }

    /// Report a resource that is fine.
    pub fn pass(&mut self, r: &impl Resource, message: impl Into<String>) {
        self.push(
            Status::Pass,
            r.resource().clone(),
            r.location().cloned(),
            message.into(),
            Value::Null,
            "",
        );
    }

    /// Report a resource the rule could not judge, with the reason.
    pub fn unknown(&mut self, r: &impl Resource, reason: impl Into<String>) {
        self.push(
            Status::Unknown,
            r.resource().clone(),
            r.location().cloned(),
            reason.into(),
            Value::Null,
            "",
        );
    }

    /// Report on something that is not a resource struct (an account, a
    /// region, one rule of a group). `detail` distinguishes several
    /// findings on one resource in the fingerprint (e.g. a port).
    pub fn report(
        &mut self,
        status: Status,
        resource: ResourceRef,
        location: Option<Location>,
        message: impl Into<String>,
        evidence: Value,
        detail: &str,
    ) {
        self.push(status, resource, location, message.into(), evidence, detail);
    }

    fn push(
        &mut self,
        status: Status,
        resource: ResourceRef,
        location: Option<Location>,
        message: String,
        evidence: Value,
        detail: &str,
    ) {
        let m = self.meta;
        let fingerprint = fingerprint(m.id, &resource, detail);
        let source = resource.source.unwrap_or(SourceKind::Snapshot);
        self.findings.push(Finding {
            rule: m.id.to_owned(),
            title: m.title.to_owned(),
            severity: m.severity,
            domain: m.domain,
            wa: m.wa.iter().map(|s| (*s).to_owned()).collect(),
            cis: m.cis.iter().map(|s| (*s).to_owned()).collect(),
            status,
            resource,
            location,
            source,
            message,
            evidence,
            // The fix belongs to failures; passes and unknowns would only
            // repeat the rule's text in every result.
            remediation: if status == Status::Fail {
                m.remediation()
            } else {
                Remediation::default()
            },
            fingerprint,
        });
    }
}

/// The `ResourceRef` for account-wide findings.
pub fn account_ref(account: Option<&str>) -> ResourceRef {
    let id = account.unwrap_or("unknown-account");
    ResourceRef::new("AWS::::Account", format!("arn:aws:::{id}"))
        .named(id)
        .in_account(account.map(str::to_owned))
}

/// The `ResourceRef` for region-wide findings.
pub fn region_ref(kind: &str, account: Option<&str>, region: &str) -> ResourceRef {
    let acct = account.unwrap_or("unknown-account");
    ResourceRef::new(kind, format!("{kind}/{acct}/{region}"))
        .named(format!("{acct} {region}"))
        .in_account(account.map(str::to_owned))
        .in_region(region)
}
