//! Rules as SQL over the standard CloudTrail table of Athena (the layout
//! of AWS's "Query AWS CloudTrail logs" guide: lower-case columns,
//! `useridentity` a struct, `requestparameters`, `responseelements`,
//! `additionaleventdata` and `serviceeventdetails` JSON text), for
//! Athena/Trino and Spark SQL. An organisation whose logs outgrow one
//! machine runs the same rules on its engine.
//!
//! Single-event rules become one `SELECT` each; `event_count` and
//! `value_count` correlations become a window query over the same sliding
//! window the engine uses (each matching event opens a window of
//! `timespan`). What has no faithful SQL form (keywords, `cidr` on Spark,
//! paths into arrays, temporal correlations) is listed, not guessed.

use crate::condition::Cond;
use crate::engine::{CorrRef, Correlation, RuleSet};
use crate::matcher::{
    CmpOp, Detection, FieldCond, FieldOp, FieldPath, GlobTok, RefKind, Search, StrKind, StrPattern,
    ValueMatch,
};
use crate::rule::{CorrelationKind, Rule};
use std::fmt::Write as _;

/// The SQL engine to write for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Amazon Athena (engine 3).
    Athena,
    /// Trino.
    Trino,
    /// Apache Spark SQL.
    Spark,
}

impl Dialect {
    fn spark(self) -> bool {
        self == Dialect::Spark
    }
}

/// Columns holding JSON text in the standard table.
const JSON_COLUMNS: [&str; 4] = [
    "requestparameters",
    "responseelements",
    "additionaleventdata",
    "serviceeventdetails",
];

/// Scalar text columns of the standard table.
const TEXT_COLUMNS: [&str; 18] = [
    "eventversion",
    "eventtime",
    "eventsource",
    "eventname",
    "awsregion",
    "sourceipaddress",
    "useragent",
    "errorcode",
    "errormessage",
    "requestid",
    "eventid",
    "eventtype",
    "apiversion",
    "readonly",
    "recipientaccountid",
    "sharedeventid",
    "vpcendpointid",
    "eventcategory",
];

/// The SQL of a rule set and what could not be written.
#[derive(Debug, Default)]
pub struct SqlOut {
    /// One statement per rule or correlation, each ending with `;`.
    pub sql: String,
    /// Statements written.
    pub written: usize,
    /// Rules and correlations left out: (rule id, why).
    pub skipped: Vec<(String, String)>,
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The SQL expression of a field, or why there is none.
fn column(f: &FieldPath, d: Dialect) -> Result<String, String> {
    let parts: Vec<String> = f.parts().iter().map(|p| p.to_ascii_lowercase()).collect();
    let (head, rest) = parts
        .split_first()
        .ok_or_else(|| "an empty field name".to_owned())?;
    let orig_rest = f.parts().get(1..).unwrap_or_default();
    if JSON_COLUMNS.contains(&head.as_str()) {
        if rest.is_empty() {
            return Ok(head.clone());
        }
        let path = format!("$.{}", orig_rest.join("."));
        return Ok(if d.spark() {
            format!("get_json_object({head}, {})", quote(&path))
        } else {
            format!("json_extract_scalar({head}, {})", quote(&path))
        });
    }
    if head == "useridentity" && !rest.is_empty() {
        return Ok(format!("useridentity.{}", rest.join(".")));
    }
    if TEXT_COLUMNS.contains(&head.as_str()) && rest.is_empty() {
        return Ok(head.clone());
    }
    Err(format!(
        "field `{}` has no column in the standard CloudTrail table",
        f.full
    ))
}

fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn str_sql(col: &str, p: &StrPattern) -> String {
    let e = if p.cased {
        col.to_owned()
    } else {
        format!("lower({col})")
    };
    let like = |pat: String| format!("{e} LIKE {} ESCAPE '\\'", quote(&pat));
    match &p.kind {
        StrKind::Any => format!("{col} IS NOT NULL"),
        StrKind::Exact(v) => format!("{e} = {}", quote(v)),
        StrKind::Prefix(v) => like(format!("{}%", like_escape(v))),
        StrKind::Suffix(v) => like(format!("%{}", like_escape(v))),
        StrKind::Contains(v) => like(format!("%{}%", like_escape(v))),
        StrKind::Glob(toks) => like(
            toks.iter()
                .map(|t| match t {
                    GlobTok::Char(c) => like_escape(&c.to_string()),
                    GlobTok::One => "_".to_owned(),
                    GlobTok::Star => "%".to_owned(),
                })
                .collect(),
        ),
    }
}

fn value_sql(col: &str, m: &ValueMatch, d: Dialect) -> Result<String, String> {
    Ok(match m {
        ValueMatch::Str(p) => str_sql(col, p),
        ValueMatch::Re(re) => {
            if d.spark() {
                format!("{col} RLIKE {}", quote(re.as_str()))
            } else {
                format!("regexp_like({col}, {})", quote(re.as_str()))
            }
        }
        ValueMatch::Cidr(c) => {
            if d.spark() {
                return Err("`cidr` has no Spark SQL function".to_owned());
            }
            format!(
                "contains({}, TRY_CAST({col} AS IPADDRESS))",
                quote(&c.to_string())
            )
        }
        ValueMatch::Cmp(op, n) => {
            let o = match op {
                CmpOp::Gt => ">",
                CmpOp::Gte => ">=",
                CmpOp::Lt => "<",
                CmpOp::Lte => "<=",
                CmpOp::Eq => "=",
            };
            format!("TRY_CAST({col} AS DOUBLE) {o} {n}")
        }
        ValueMatch::FieldRef { path, kind, cased } => {
            let other = column(path, d)?;
            let (a, b) = if *cased {
                (col.to_owned(), other)
            } else {
                (format!("lower({col})"), format!("lower({other})"))
            };
            let concat = |l: &str, r: &str| {
                if d.spark() {
                    format!("concat({l}, {r})")
                } else {
                    format!("{l} || {r}")
                }
            };
            // The other field's value is a LIKE pattern here: a `%` or `_`
            // in it matches more than the engine would.
            match kind {
                RefKind::Exact => format!("{a} = {b}"),
                RefKind::Contains => format!("{a} LIKE ({})", concat(&concat("'%'", &b), "'%'")),
                RefKind::Prefix => format!("{a} LIKE ({})", concat(&b, "'%'")),
                RefKind::Suffix => format!("{a} LIKE ({})", concat("'%'", &b)),
            }
        }
        ValueMatch::Null => format!("{col} IS NULL"),
    })
}

fn field_sql(c: &FieldCond, d: Dialect) -> Result<String, String> {
    let col = column(&c.path, d)?;
    match &c.op {
        FieldOp::Exists(true) => Ok(format!("{col} IS NOT NULL")),
        FieldOp::Exists(false) => Ok(format!("{col} IS NULL")),
        FieldOp::Values { all, values } => {
            let mut each = Vec::new();
            for alts in values {
                let a: Result<Vec<String>, String> =
                    alts.iter().map(|m| value_sql(&col, m, d)).collect();
                each.push(join(a?, " OR "));
            }
            Ok(join(each, if *all { " AND " } else { " OR " }))
        }
    }
}

fn join(items: Vec<String>, sep: &str) -> String {
    match items.len() {
        0 => "FALSE".to_owned(),
        1 => items.into_iter().next().unwrap_or_default(),
        _ => format!("({})", items.join(sep)),
    }
}

fn search_sql(s: &Search, d: Dialect) -> Result<String, String> {
    match s {
        Search::Keywords(_) => Err("keyword searches have no column to test".to_owned()),
        Search::Fields(groups) => {
            let mut ors = Vec::new();
            for g in groups {
                let ands: Result<Vec<String>, String> = g.iter().map(|c| field_sql(c, d)).collect();
                let ands = ands?;
                ors.push(if ands.is_empty() {
                    "TRUE".to_owned()
                } else {
                    join(ands, " AND ")
                });
            }
            Ok(join(ors, " OR "))
        }
    }
}

fn cond_sql(det: &Detection, c: &Cond, d: Dialect) -> Result<String, String> {
    let search = |i: usize| {
        det.searches
            .get(i)
            .ok_or_else(|| "a condition names a missing search".to_owned())
            .and_then(|s| search_sql(s, d))
    };
    Ok(match c {
        Cond::Search(i) => search(*i)?,
        Cond::And(items) => join(
            items
                .iter()
                .map(|c| cond_sql(det, c, d))
                .collect::<Result<_, _>>()?,
            " AND ",
        ),
        Cond::Or(items) => join(
            items
                .iter()
                .map(|c| cond_sql(det, c, d))
                .collect::<Result<_, _>>()?,
            " OR ",
        ),
        // NULL-safe: a missing field makes the inner test NULL, not false.
        Cond::Not(inner) => format!("NOT COALESCE({}, FALSE)", cond_sql(det, inner, d)?),
        Cond::AtLeast(n, ids) => {
            let parts: Vec<String> = ids
                .iter()
                .map(|i| search(*i).map(|s| format!("CASE WHEN {s} THEN 1 ELSE 0 END")))
                .collect::<Result<_, _>>()?;
            format!("({}) >= {n}", parts.join(" + "))
        }
    })
}

/// The WHERE clause of a rule.
pub fn rule_where(r: &Rule, d: Dialect) -> Result<String, String> {
    cond_sql(&r.detection, &r.detection.cond, d)
}

fn time_expr(d: Dialect) -> &'static str {
    if d.spark() {
        "to_timestamp(eventtime)"
    } else {
        "from_iso8601_timestamp(eventtime)"
    }
}

fn correlation_sql(
    set: &RuleSet,
    c: &Correlation,
    table: &str,
    d: Dialect,
) -> Result<String, String> {
    let kind = c.def.kind;
    if !matches!(
        kind,
        CorrelationKind::EventCount | CorrelationKind::ValueCount
    ) {
        return Err(format!("{kind} correlations are not written as SQL"));
    }
    if !c.def.aliases.is_empty() {
        return Err("correlations with `aliases` are not written as SQL".to_owned());
    }
    let mut wheres = Vec::new();
    for r in &c.refs {
        match r {
            CorrRef::Rule(i) => {
                let rule = set
                    .rules
                    .get(*i)
                    .ok_or_else(|| "a missing rule".to_owned())?;
                wheres.push(rule_where(rule, d)?);
            }
            CorrRef::Correlation(_) => {
                return Err("correlations of correlations are not written as SQL".to_owned())
            }
        }
    }
    let groups: Vec<String> = c
        .def
        .group_by
        .iter()
        .map(|g| column(g, d))
        .collect::<Result<_, _>>()?;
    let (op, n) = c
        .def
        .condition
        .ok_or_else(|| "the correlation has no condition".to_owned())?;
    let o = match op {
        CmpOp::Gt => ">",
        CmpOp::Gte => ">=",
        CmpOp::Lt => "<",
        CmpOp::Lte => "<=",
        CmpOp::Eq => "=",
    };
    let secs = c.def.timespan_ms / 1000;
    let frame = if d.spark() {
        format!("RANGE BETWEEN CURRENT ROW AND INTERVAL {secs} SECONDS FOLLOWING")
    } else {
        format!("RANGE BETWEEN CURRENT ROW AND INTERVAL '{secs}' SECOND FOLLOWING")
    };
    let partition = if groups.is_empty() {
        String::new()
    } else {
        format!(
            "PARTITION BY {} ",
            (0..groups.len())
                .map(|i| format!("g{i}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let spec = format!("{partition}ORDER BY t {frame}");
    let measure = match kind {
        CorrelationKind::EventCount => format!("COUNT(*) OVER ({spec})"),
        _ => {
            if d.spark() {
                format!("size(collect_set(v) OVER ({spec}))")
            } else {
                format!("cardinality(array_distinct(array_agg(v) OVER ({spec})))")
            }
        }
    };
    let value = match (&c.def.field, kind) {
        (Some(f), CorrelationKind::ValueCount) => format!(", {} AS v", column(f, d)?),
        _ => String::new(),
    };
    let gsel: String = groups
        .iter()
        .enumerate()
        .map(|(i, g)| format!("{g} AS g{i}, "))
        .collect();
    let gnames: Vec<String> = (0..groups.len()).map(|i| format!("g{i}")).collect();
    let gout: String = gnames.iter().map(|g| format!("{g}, ")).collect();
    let group_by = if gnames.is_empty() {
        String::new()
    } else {
        format!(" GROUP BY {}", gnames.join(", "))
    };
    let mut q = String::new();
    let _ = write!(
        q,
        "SELECT {} AS rule, {gout}min(t) AS window_start, max(n) AS measure FROM (\n  SELECT {gout}t, {measure} AS n FROM (\n    SELECT {gsel}{} AS t{value} FROM {table}\n    WHERE {}\n  ) m\n) c WHERE n {o} {n}{group_by}",
        quote(&c.def.header.rule_id),
        time_expr(d),
        join(wheres, " OR "),
    );
    Ok(q)
}

/// SQL for every rule and correlation of `set` over `table`.
pub fn emit(set: &RuleSet, table: &str, d: Dialect) -> SqlOut {
    let mut out = SqlOut::default();
    for r in &set.rules {
        let h = &r.header;
        if r.logsource.kind() != Some(crate::rule::LogKind::CloudTrail) {
            out.skipped.push((
                h.rule_id.clone(),
                "not a CloudTrail rule (the SQL is over the CloudTrail table)".to_owned(),
            ));
            continue;
        }
        match rule_where(r, d) {
            Ok(w) => {
                let _ = writeln!(
                    out.sql,
                    "-- {} ({}), {}:{}\nSELECT {} AS rule, eventtime, eventsource, eventname, useridentity.arn AS principal, sourceipaddress, awsregion, eventid\nFROM {table}\nWHERE {w};\n",
                    h.title,
                    h.rule_id,
                    h.file,
                    h.line,
                    quote(&h.rule_id),
                );
                out.written += 1;
            }
            Err(why) => out.skipped.push((h.rule_id.clone(), why)),
        }
    }
    for c in &set.correlations {
        let h = &c.def.header;
        match correlation_sql(set, c, table, d) {
            Ok(q) => {
                let _ = writeln!(
                    out.sql,
                    "-- {} ({}, {}), {}:{}\n{q};\n",
                    h.title, h.rule_id, c.def.kind, h.file, h.line
                );
                out.written += 1;
            }
            Err(why) => out.skipped.push((h.rule_id.clone(), why)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(text: &str) -> RuleSet {
        let mut s = RuleSet::default();
        s.add_text(text, "t.yml");
        s.finish();
        assert!(s.errors.is_empty(), "{:?}", s.errors);
        s
    }

    #[test]
    fn single_event_rules() {
        let s = set("title: t\nname: t\ndetection:\n  sel:\n    eventName: [StopLogging, DeleteTrail]\n    userIdentity.arn|endswith: '/bob'\n    requestParameters.name|contains: \"it's_50%\"\n  f:\n    errorCode|exists: true\n  condition: sel and not f\n");
        let out = emit(&s, "cloudtrail_logs", Dialect::Athena);
        assert_eq!(out.written, 1, "{:?}", out.skipped);
        assert!(
            out.sql
                .contains("(lower(eventname) = 'stoplogging' OR lower(eventname) = 'deletetrail')"),
            "{}",
            out.sql
        );
        assert!(
            out.sql
                .contains("lower(useridentity.arn) LIKE '%/bob' ESCAPE '\\'"),
            "{}",
            out.sql
        );
        assert!(
            out.sql.contains(
                "lower(json_extract_scalar(requestparameters, '$.name')) LIKE '%it''s\\_50\\%%'"
            ),
            "{}",
            out.sql
        );
        assert!(
            out.sql
                .contains("NOT COALESCE(errorcode IS NOT NULL, FALSE)"),
            "{}",
            out.sql
        );
        let spark = emit(&s, "t", Dialect::Spark);
        assert!(spark
            .sql
            .contains("get_json_object(requestparameters, '$.name')"));
    }

    #[test]
    fn field_references() {
        let s = set("title: f\nname: f\ndetection:\n  sel:\n    userIdentity.arn|fieldref|endswith: requestParameters.userName\n  condition: sel\n");
        let out = emit(&s, "t", Dialect::Trino);
        assert!(out.sql.contains("lower(useridentity.arn) LIKE ('%' || lower(json_extract_scalar(requestparameters, '$.userName')))"), "{}", out.sql);
        let out = emit(&s, "t", Dialect::Spark);
        assert!(
            out.sql.contains("LIKE (concat('%', lower(get_json_object("),
            "{}",
            out.sql
        );
    }

    #[test]
    fn what_cannot_be_written_is_listed() {
        let s = set("title: k\nname: k\ndetection:\n  kw: [evil]\n  condition: kw\n---\ntitle: c\nname: c\ndetection:\n  sel:\n    sourceIPAddress|cidr: 10.0.0.0/8\n  condition: sel\n");
        let out = emit(&s, "t", Dialect::Spark);
        assert_eq!(out.written, 0);
        assert_eq!(out.skipped.len(), 2);
        let out = emit(&s, "t", Dialect::Trino);
        assert!(
            out.sql
                .contains("contains('10.0.0.0/8', TRY_CAST(sourceipaddress AS IPADDRESS))"),
            "{}",
            out.sql
        );
    }

    #[test]
    fn counting_correlations() {
        let s = set("title: d\nname: d\ndetection:\n  sel: {errorCode: AccessDenied}\n  condition: sel\n---\ntitle: burst\nname: burst\ncorrelation:\n  type: event_count\n  rules: [d]\n  group-by: [userIdentity.arn]\n  timespan: 10m\n  condition: {gte: 10}\n---\ntitle: distinct\nname: distinct\ncorrelation:\n  type: value_count\n  rules: [d]\n  timespan: 1h\n  condition: {gte: 5, field: eventName}\n");
        let out = emit(&s, "logs", Dialect::Athena);
        assert_eq!(out.written, 3, "{:?}", out.skipped);
        assert!(out.sql.contains("COUNT(*) OVER (PARTITION BY g0 ORDER BY t RANGE BETWEEN CURRENT ROW AND INTERVAL '600' SECOND FOLLOWING)"), "{}", out.sql);
        assert!(out.sql.contains("WHERE n >= 10 GROUP BY g0"), "{}", out.sql);
        assert!(out.sql.contains("cardinality(array_distinct(array_agg(v) OVER (ORDER BY t RANGE BETWEEN CURRENT ROW AND INTERVAL '3600' SECOND FOLLOWING)))"), "{}", out.sql);
        assert!(out.sql.contains("WHERE n >= 5;"), "{}", out.sql);
    }
}
