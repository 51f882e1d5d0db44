//! `# pillar:ignore[rule-id] reason` comments in `.tf` files.
//!
//! A comment on the lines right above a `resource`, `data` or `module`
//! block (only blank or comment lines between), on its header line or
//! anywhere inside it suppresses those rules on that block's resource.
//! Several ids may be listed, comma-separated. The reason is the rest of
//! the comment; a suppression without one is kept with an empty reason,
//! and the report says it was not applied.

use super::parse::{Block, File};
use pillar_model::{Location, Suppression};

/// The marker that starts a suppression.
pub const MARKER: &str = "pillar:ignore[";

/// Suppressions written in one parsed file.
pub fn suppressions(file: &File) -> Vec<Suppression> {
    if !file.text.contains(MARKER) {
        return Vec::new();
    }
    let lines: Vec<&str> = file.text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some((ids, reason, column)) = parse_comment(line) else {
            continue;
        };
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let Some(block) = target(file, &lines, n) else {
            continue;
        };
        let resource = match (block.ident.as_str(), block.labels.as_slice()) {
            ("resource", [kind, name]) => format!("{kind}.{name}"),
            ("data", [kind, name]) => format!("data.{kind}.{name}"),
            ("module", [name]) => format!("module.{name}"),
            _ => continue,
        };
        for id in ids {
            out.push(Suppression {
                rule: id,
                reason: reason.clone(),
                location: Location {
                    file: file.display.clone(),
                    line: Some(n),
                    column: Some(column),
                },
                resource: resource.clone(),
                file: file.display.clone(),
                start_line: block.line,
                end_line: block.end_line.max(block.line),
            });
        }
    }
    out
}

/// The rule ids, the reason and the 1-based column of a suppression in a
/// comment on this line.
fn parse_comment(line: &str) -> Option<(Vec<String>, String, u32)> {
    let at = line.find(MARKER)?;
    let before = line.get(..at)?;
    if !(before.contains('#') || before.contains("//") || before.contains("/*")) {
        return None;
    }
    let rest = line.get(at + MARKER.len()..)?;
    let close = rest.find(']')?;
    let ids: Vec<String> = rest
        .get(..close)?
        .split(',')
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    if ids.is_empty() {
        return None;
    }
    let reason = rest
        .get(close + 1..)
        .unwrap_or("")
        .trim()
        .trim_end_matches("*/")
        .trim()
        .trim_start_matches([':', '-', '—'])
        .trim()
        .to_owned();
    let column = u32::try_from(before.chars().count() + 1).unwrap_or(u32::MAX);
    Some((ids, reason, column))
}

/// The block a comment on line `n` belongs to: the top-level block around
/// it, else the next block when only blank and comment lines lie between.
fn target<'f>(file: &'f File, lines: &[&str], n: u32) -> Option<&'f Block> {
    if let Some(b) = file.blocks.iter().find(|b| b.line <= n && n <= b.end_line) {
        return Some(b);
    }
    let next = file
        .blocks
        .iter()
        .filter(|b| b.line > n)
        .min_by_key(|b| b.line)?;
    let between = (n as usize)..(next.line as usize).saturating_sub(1);
    let only_comments = lines.get(between).unwrap_or_default().iter().all(|l| {
        let t = l.trim_start();
        t.is_empty() || t.starts_with('#') || t.starts_with("//") || t.starts_with("/*")
    });
    only_comments.then_some(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Vec<Suppression> {
        let f = crate::terraform::parse::parse("main.tf", text).unwrap();
        suppressions(&f)
    }

    #[test]
    fn above_on_and_inside_a_block() {
        let s = parse(
            "# pillar:ignore[s3-bucket-versioning-disabled] logs are write-once\n\
             resource \"aws_s3_bucket\" \"logs\" {\n  \
               bucket = \"logs\" # pillar:ignore[s3-bucket-tls-not-enforced, s3-bucket-public-acl]: CDN only\n\
             }\n\
             \n\
             resource \"aws_s3_bucket\" \"other\" {}\n",
        );
        assert_eq!(s.len(), 3);
        assert!(s.iter().all(|x| x.resource == "aws_s3_bucket.logs"));
        assert_eq!(s[0].reason, "logs are write-once");
        assert_eq!((s[0].start_line, s[0].end_line), (2, 4));
        assert_eq!(s[1].rule, "s3-bucket-tls-not-enforced");
        assert_eq!(s[2].reason, "CDN only");
        assert_eq!(s[2].location.line, Some(3));
    }

    #[test]
    fn without_reason_is_kept_with_an_empty_reason() {
        let s = parse(
            "// pillar:ignore[ec2-sg-admin-port-open]\nresource \"aws_security_group\" \"x\" {}\n",
        );
        assert_eq!(s.len(), 1);
        assert!(!s[0].has_reason());
    }

    #[test]
    fn not_in_a_comment_or_not_next_to_a_block() {
        assert!(parse("resource \"a_b\" \"c\" {\n  d = \"pillar:ignore[x] y\"\n}\n").is_empty());
        assert!(
            parse("# pillar:ignore[x] y\n\nlocals { a = 1 }\nresource \"a_b\" \"c\" {}\n")
                .is_empty()
        );
        assert!(parse("# pillar:ignore[] y\nresource \"a_b\" \"c\" {}\n").is_empty());
    }
}
