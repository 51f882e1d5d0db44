//! `pillar audit verify LOG`: check the hash chain of a response audit log.

use crate::args::{AuditArgs, AuditCommand};
use pillar_respond::audit;
use std::process::ExitCode;

pub fn run(args: &AuditArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        AuditCommand::Verify(v) => {
            let file = v.log.display().to_string();
            match audit::verify_file(&v.log, None) {
                Err(e) => {
                    println!("FAILED {e}");
                    Ok(ExitCode::from(1))
                }
                Ok(s) => {
                    if let Some(want) = &v.head {
                        if !want.eq_ignore_ascii_case(&s.head) {
                            println!(
                                "FAILED {file}:{}: the log's head is {} but {want} was expected: entries were removed from the end or changed",
                                s.entries, s.head
                            );
                            return Ok(ExitCode::from(1));
                        }
                    }
                    println!(
                        "OK {file}: {} entries, {} run(s), {} change(s), incidents: {}",
                        s.entries,
                        s.runs,
                        s.changes,
                        s.incidents.iter().cloned().collect::<Vec<_>>().join(", ")
                    );
                    if !s.first.is_empty() {
                        println!("   from {} to {}", s.first, s.last);
                    }
                    println!("   head sha256 {}", s.head);
                    if !s.head_checked && v.head.is_none() {
                        println!(
                            "   no head file ({}.head) and no --head: removal of entries from the end, or an edit of the last entry, cannot be detected",
                            file
                        );
                    }
                    Ok(ExitCode::SUCCESS)
                }
            }
        }
    }
}
