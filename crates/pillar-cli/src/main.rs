//! `pillar`: the AWS Well-Architected Security Pillar review as one binary.
//! Parses arguments and dispatches to one `cmd_*` module per subcommand.

mod args;
mod cmd_audit;
mod cmd_collect;
mod cmd_detect;
mod cmd_diff;
mod cmd_explain;
mod cmd_iam;
mod cmd_net;
mod cmd_respond;
mod cmd_rules;
mod cmd_rules_check;
mod cmd_scan;
mod cmd_secrets;
mod config;
mod output;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let result = match cli.command {
        args::Command::Scan(a) => cmd_scan::run(&a),
        args::Command::Rules(a) => match &a.action {
            Some(args::RulesAction::Check(c)) => cmd_rules_check::run(c),
            None => cmd_rules::run(&a),
        },
        args::Command::Explain(a) => cmd_explain::run(&a),
        args::Command::Iam(a) => cmd_iam::run(&a),
        args::Command::Secrets(a) => cmd_secrets::run(&a),
        args::Command::Detect(a) => cmd_detect::run(&a),
        args::Command::Diff(a) => cmd_diff::run(&a),
        args::Command::Net(a) => cmd_net::run(&a),
        args::Command::Respond(a) => cmd_respond::run(&a),
        args::Command::Audit(a) => cmd_audit::run(&a),
        args::Command::Collect(a) => cmd_collect::run(&a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
