//! `pillar-iam`: the IAM policy grammar and an exact request evaluator.
//!
//! * [`policy`]: JSON text → a compiled [`Policy`], errors with line and JSON path;
//! * [`condition`]: every condition operator, `…IfExists`, set qualifiers;
//! * [`pattern`]: globs and policy variables;
//! * [`eval`]: the decision procedure → [`Outcome`] with the deciding statements;
//! * [`catalog`]: every service's actions, access levels and condition keys;
//! * [`case`]: simulation cases (a request with inline policy sets);
//! * [`inventory`]: the policy sets of principals and resources in a pillar inventory;
//! * [`lint`]: risky grants in a policy;
//! * [`escalation`]: who can become administrator, and by which steps;
//! * [`exposure`]: who outside the inventory's accounts a resource policy lets in.

pub mod arn;
pub mod case;
pub mod catalog;
pub mod condition;
pub mod escalation;
pub mod eval;
pub mod exposure;
pub mod inventory;
pub mod json;
pub mod lint;
pub mod pattern;
pub mod policy;

pub use case::{decision_json, Case, CaseError};
pub use eval::{evaluate, Decision, Outcome, PolicyKind, PolicySet, Request, RequestPrincipal};
pub use pattern::{Context, CtxValue};
pub use policy::{Policy, PolicyError};
