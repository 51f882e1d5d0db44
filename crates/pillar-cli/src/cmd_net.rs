//! `pillar net`: what the internet really reaches, hop by hop.

use crate::args::{NetArgs, NetCommand, NetFormat, NetSource};
use anyhow::Context;
use pillar_model::Inventory;
use pillar_net::{analysis, json, Exposure, Hop, Proto};
use std::io::Write;
use std::process::ExitCode;

pub fn run(args: &NetArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        NetCommand::Exposure(a) => exposure(&a.source, a.format, a.output.as_deref()),
        NetCommand::Path(a) => {
            let proto = Proto::parse(&a.protocol).with_context(|| {
                format!(
                    "unknown protocol `{}` (tcp, udp, icmp or a number)",
                    a.protocol
                )
            })?;
            path(&a.source, &a.to, proto, a.port, a.format)
        }
    }
}

fn load(src: &NetSource) -> anyhow::Result<Inventory> {
    let paths = if src.paths.is_empty() {
        vec![std::path::PathBuf::from(".")]
    } else {
        src.paths.clone()
    };
    // Only the files reachability reads: a snapshot's buckets, IAM and
    // logs are most of its files and none of the network.
    let loaded =
        pillar_sources::load_network_paths(&paths, &pillar_sources::LoadOptions::default());
    for s in &loaded.skipped {
        eprintln!("skipped: {s}");
    }
    if loaded.files_read == 0 {
        anyhow::bail!(
            "nothing could be read from {}",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(loaded.inventory)
}

/// Write to `output`, or to standard output (a closed pipe is not an
/// error), through one buffer.
fn write_with(
    output: Option<&std::path::Path>,
    emit: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    fn buffered(
        w: impl Write,
        emit: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let mut w = std::io::BufWriter::with_capacity(1 << 16, w);
        emit(&mut w)?;
        w.flush()
    }
    match output {
        Some(p) => {
            let f = std::fs::File::create(p)
                .with_context(|| format!("cannot write {}", p.display()))?;
            buffered(f, emit).with_context(|| format!("cannot write {}", p.display()))
        }
        None => match buffered(std::io::stdout().lock(), emit) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            r => r.context("cannot write to standard output"),
        },
    }
}

fn write_out(text: &str, output: Option<&std::path::Path>) -> anyhow::Result<()> {
    write_with(output, |w| w.write_all(text.as_bytes()))
}

/// Pretty JSON and a final line break, streamed.
fn write_json<T: serde::Serialize>(
    doc: &T,
    output: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    write_with(output, |w| {
        serde_json::to_writer_pretty(&mut *w, doc).map_err(std::io::Error::from)?;
        w.write_all(b"\n")
    })
}

fn hop_text(h: &Hop) -> String {
    h.short()
}

fn path_line(hops: &[Hop]) -> String {
    hops.iter().map(hop_text).collect::<Vec<_>>().join(" -> ")
}

fn exposure_line(e: &Exposure) -> String {
    let what = format!("{} {}", e.kind, e.id);
    let mut s = format!(
        "{what}\n    {} {} from {}",
        e.family.as_str(),
        e.service(),
        e.sources.summary()
    );
    if let Some(lb) = &e.via {
        s.push_str(&format!(" through load balancer {lb}"));
    }
    if let Some(st) = e.state.as_deref().filter(|s| *s != "running") {
        s.push_str(&format!(" (instance {st})"));
    }
    s.push_str(&format!("\n    path: internet -> {}", path_line(&e.path)));
    if e.single_layer && e.via.is_none() && e.kind != "load-balancer" {
        s.push_str("\n    single layer: the network ACL lets everything through; only the security group filters");
    }
    s
}

fn exposure(
    src: &NetSource,
    format: NetFormat,
    output: Option<&std::path::Path>,
) -> anyhow::Result<ExitCode> {
    let inv = load(src)?;
    let a = analysis::analyze(&inv);
    let text = match format {
        NetFormat::Json => {
            write_json(&json::AnalysisDoc::new(&a), output)?;
            // The process ends next: freeing the inventory and the analysis
            // (millions of small allocations on a large account) one by one
            // would only cost time.
            std::mem::forget(a);
            std::mem::forget(inv);
            return Ok(ExitCode::SUCCESS);
        }
        NetFormat::Dot => pillar_net::graph::dot(&a),
        NetFormat::Mermaid => pillar_net::graph::mermaid(&a),
        NetFormat::Text => {
            let mut t = format!(
                "Internet exposure: {} endpoints judged, {} reachable (resource, protocol, ports, sources)\n",
                a.endpoints,
                a.exposures.len()
            );
            for e in &a.exposures {
                t.push_str(&format!("\n  {}\n", exposure_line(e)));
            }
            if !a.latent.is_empty() {
                t.push_str(&format!(
                    "\nLatent: {} in public subnets without a public address, reachable once given one (an Elastic IP away)\n",
                    a.latent.len()
                ));
                for e in &a.latent {
                    t.push_str(&format!(
                        "\n  {} {}\n    would be: {} {} from {}\n",
                        e.kind,
                        e.id,
                        e.family.as_str(),
                        e.service(),
                        e.sources.summary()
                    ));
                }
            }
            if !a.incomplete.is_empty() {
                t.push_str("\nNot fully assessed:\n");
                for i in &a.incomplete {
                    t.push_str(&format!("  {}: {}\n", i.id, i.reasons.join("; ")));
                }
            }
            t
        }
    };
    write_out(&text, output)?;
    std::mem::forget(a);
    std::mem::forget(inv);
    Ok(ExitCode::SUCCESS)
}

fn path(
    src: &NetSource,
    to: &str,
    proto: Proto,
    port: u16,
    format: NetFormat,
) -> anyhow::Result<ExitCode> {
    let inv = load(src)?;
    let results = analysis::path(&inv, to, proto, port);
    if results.is_empty() {
        anyhow::bail!("no instance, network interface, DB instance or load balancer named `{to}` in the inventory");
    }
    let text = match format {
        NetFormat::Dot | NetFormat::Mermaid => {
            anyhow::bail!(
                "--format dot and mermaid draw the exposure graph of `pillar net exposure`"
            )
        }
        NetFormat::Json => {
            let v: Vec<serde_json::Value> = results.iter().map(json::path).collect();
            let mut t = serde_json::to_string_pretty(&v).context("cannot render JSON")?;
            t.push('\n');
            t
        }
        NetFormat::Text => {
            let mut t = String::new();
            for r in &results {
                let name = match &r.eni {
                    Some(eni) if eni != &r.id => format!("{} ({eni})", r.id),
                    _ => r.id.clone(),
                };
                let addrs = if r.addresses.is_empty() {
                    String::new()
                } else {
                    format!(" {}", r.addresses.join(", "))
                };
                let via = r
                    .via
                    .as_deref()
                    .map(|lb| format!(" through load balancer {lb}"))
                    .unwrap_or_default();
                match &r.blocked {
                    None if !r.sources.is_empty() => {
                        t.push_str(&format!(
                            "{name} {}{addrs}{via}: REACHABLE on {proto} {port} from {}\n",
                            r.family.as_str(),
                            r.sources.summary()
                        ));
                    }
                    None => t.push_str(&format!(
                        "{name} {}{addrs}{via}: not reachable on {proto} {port}\n",
                        r.family.as_str()
                    )),
                    Some(b) => t.push_str(&format!(
                        "{name} {}{addrs}: BLOCKED on {proto} {port} at {} {} [{}]: {}\n",
                        r.family.as_str(),
                        b.kind,
                        b.id,
                        b.code,
                        b.reason
                    )),
                }
                t.push_str("  1. internet\n");
                for (i, h) in r.hops.iter().enumerate() {
                    t.push_str(&format!("  {}. {}\n", i + 2, hop_text(h)));
                }
                if !r.unknown.is_empty() {
                    t.push_str(&format!("  not fully assessed: {}\n", r.unknown.join("; ")));
                }
            }
            t
        }
    };
    write_out(&text, None)?;
    Ok(ExitCode::SUCCESS)
}
