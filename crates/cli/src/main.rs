//! `portband`: what kube-apiserver would do with your Services' node ports.

mod apply;
mod bands;
mod check;
mod files;
mod simulate;
mod version;

use clap::{Parser, Subcommand, ValueEnum};
use portband_allocator::lab::Sweep;
use portband_allocator::{PortRange, ServiceCidrs};
use portband_kube::{KubeVersion, Mode};
use std::process::ExitCode;

/// portband's version and the Kubernetes releases it models, for `--version`.
static VERSION: std::sync::LazyLock<String> = std::sync::LazyLock::new(version::text);

/// What kube-apiserver would do with your Services' node ports: which nodePort each Service
/// gets, in which band of the KEP-3668 split, and the exact error a real cluster would print.
#[derive(Parser)]
#[command(name = "portband", version = VERSION.as_str(), propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Apply manifests or scenario files, in order, to a simulated cluster and print each step's outcome.
    ///
    /// Every object of a manifest is sent as `kubectl apply` sends it (--mode): created with the
    /// last-applied-configuration annotation if new, otherwise patched by kubectl's three-way
    /// merge; or as `kubectl replace` (a PUT; the Service must exist) or `kubectl create` (a
    /// POST; it must not). Only v1 Services are sent; other kinds are reported as skipped. A
    /// scenario file (kind: Scenario) brings its own range, seed and band-split setting, which
    /// flags override, and its steps say how each object is sent.
    ///
    /// Exit status: 0 if every step succeeded, 1 if any was rejected, 2 for unusable input.
    #[command(after_help = "Examples:
  portband apply service.yaml
  kubectl get svc -A -o yaml | portband apply -
  portband apply --range 30000-30127 --seed 7 scenarios/kep-3668-story.yaml
  portband apply --legacy --format json scenarios/kep-3668-story.yaml
  portband apply --kubernetes-version 1.27 scenarios/kep-3668-story.yaml
  portband apply --mode replace service.yaml")]
    Apply {
        #[command(flatten)]
        cluster: ClusterArgs,
        /// The kubectl command each object of a manifest stands for (a scenario's steps say theirs)
        #[arg(long, default_value = "apply", value_parser = parse_mode())]
        mode: Mode,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Manifest or scenario files, or folders of them; `-` reads standard input.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<String>,
    },
    /// Review manifests for node-port problems before they reach a cluster.
    ///
    /// Errors: anything the apiserver would refuse in a Service (an out-of-range nodePort, two
    /// ports of a Service fighting over one nodePort, invalid fields), with the apiserver's own
    /// message; and an explicit nodePort or healthCheckNodePort requested by two Services. Each
    /// Service is checked on an empty cluster, or with --cluster against the cluster as it is: a
    /// port another Service holds is an error naming the holder, and a Service the cluster has is
    /// checked as the update it would be. Warnings: an explicit port in the dynamic band, where any
    /// Service created without a nodePort may take it first.
    ///
    /// Exit status: 0 when there are no errors, 1 when there are (or warnings, with
    /// --deny-warnings), 2 for unusable input.
    #[command(after_help = "Examples:
  portband check deploy/*.yaml
  portband check --range 30000-32767 --format json manifests.yaml
  kubectl get svc -A -o yaml > cluster.yaml && portband check --cluster cluster.yaml deploy/
  portband check --format sarif deploy/ > portband.sarif
  helm template . | portband check --deny-warnings -")]
    Check {
        /// The cluster's --service-node-port-range.
        #[arg(long, value_name = "RANGE", default_value = "30000-32767", value_parser = parse_range)]
        range: PortRange,
        /// The Kubernetes release whose messages to give, 1.27 to 1.35 [default: a scenario's, else 1.35]
        #[arg(long, value_name = "1.Y", value_parser = KubeVersion::parse)]
        kubernetes_version: Option<KubeVersion>,
        /// The cluster as it is: the output of `kubectl get svc -A -o yaml`, or a scenario file.
        /// Its Services are not reviewed; the files are checked against them (`-` reads standard
        /// input).
        #[arg(long, value_name = "STATE")]
        cluster: Option<String>,
        /// The cluster's --service-cluster-ip-range: one CIDR or a dual-stack pair
        /// [default: a scenario's serviceClusterIPRange, else 10.96.0.0/12]
        #[arg(long, value_name = "CIDR[,CIDR]")]
        service_cluster_ip_range: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
        /// Fail on warnings too.
        #[arg(long)]
        deny_warnings: bool,
        /// Print the findings alone (no line of counts).
        #[arg(long, conflicts_with = "summary")]
        quiet: bool,
        /// Print one line of counts alone (`2 errors, 1 warning`), whatever the format.
        #[arg(long)]
        summary: bool,
        /// Colour the text format's severities: on a terminal unless NO_COLOR is set (auto), always
        /// or never.
        #[arg(long, value_enum, default_value_t = Color::Auto)]
        color: Color,
        /// Manifest or scenario files, or folders of them; `-` reads standard input.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<String>,
    },
    /// Print the static and dynamic bands of a node-port range, or of service CIDRs.
    #[command(after_help = "Examples:
  portband bands
  portband bands --range 30000-30127
  portband bands --range 20000+12767 --format json
  portband bands --service-cluster-ip-range 10.96.0.0/12,fd00:10:96::/108")]
    Bands {
        /// The --service-node-port-range to split (an empty value means 30000-32767).
        #[arg(long, value_name = "RANGE", default_value = "30000-32767", value_parser = parse_range)]
        range: PortRange,
        /// Split these service CIDRs instead (KEP-3070): one CIDR or a dual-stack pair, read as
        /// the release's kube-apiserver reads --service-cluster-ip-range.
        #[arg(long, value_name = "CIDR[,CIDR]", conflicts_with = "range")]
        service_cluster_ip_range: Option<String>,
        #[command(flatten)]
        split: SplitArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Estimate how likely a Service that needs a fixed nodePort finds it taken, with and without
    /// the band split.
    ///
    /// A trial: on an empty cluster, K Services that take a dynamic nodePort each and one explicit
    /// request per --static-port arrive (the dynamic ones first, or in a random order); it
    /// conflicts when a static request finds its port taken. Each point gives the share of
    /// conflicting trials with its 95 % Wilson interval, and the exact probability where a closed
    /// form is known (one static port, dynamic requests first). The same seed gives the same
    /// output.
    ///
    /// Exit status: 0, or 2 for unusable parameters.
    #[command(after_help = "Examples:
  portband simulate --dynamic 2600..2768:8
  portband simulate --range 30000-30999 --dynamic 900 --static-port 30000 --static-port 30500
  portband simulate --order random --trials 1000 --dynamic 0..2768:100 --format csv")]
    Simulate {
        /// The --service-node-port-range.
        #[arg(long, value_name = "RANGE", default_value = "30000-32767", value_parser = parse_range)]
        range: PortRange,
        /// The number of dynamic requests, K, or a sweep A..B[:STEP] (A, A+STEP, … up to B)
        /// [default: 0 to the range's size]
        #[arg(long, value_name = "K|A..B[:STEP]", value_parser = Sweep::parse)]
        dynamic: Option<Sweep>,
        /// A port requested explicitly (repeatable) [default: the range's first port]
        #[arg(long = "static-port", value_name = "PORT")]
        static_ports: Vec<u16>,
        /// The order in which the requests arrive.
        #[arg(long, value_enum, default_value_t = simulate::OrderArg::DynamicFirst)]
        order: simulate::OrderArg,
        /// Trials per point.
        #[arg(long, value_name = "T", default_value_t = 10_000)]
        trials: u32,
        /// The seed every trial's randomness derives from.
        #[arg(long, value_name = "S", default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=portband_kube::MAX_SEED))]
        seed: u64,
        /// With the band split, without it (legacy), or both.
        #[arg(long, value_enum, default_value_t = simulate::ModeArg::Both)]
        mode: simulate::ModeArg,
        /// Output format.
        #[arg(long, value_enum, default_value_t = simulate::SimulateFormat::Table)]
        format: simulate::SimulateFormat,
    },
    /// Print portband's version; with --supported, the Kubernetes releases it models.
    Version {
        /// List the Kubernetes releases portband models, and the band split's feature gate in each.
        #[arg(long)]
        supported: bool,
    },
}

/// The simulated apiserver's settings.
#[derive(clap::Args)]
struct ClusterArgs {
    /// The --service-node-port-range, in any form the apiserver accepts: 30000-32767, 30000+2767, 30080
    /// [default: a scenario's range, else 30000-32767]
    #[arg(long, value_name = "RANGE", value_parser = parse_range)]
    range: Option<PortRange>,
    /// The seed of the allocator's random choices; the same seed gives the same ports
    /// [default: a scenario's seed, else 0]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(0..=portband_kube::MAX_SEED))]
    seed: Option<u64>,
    /// The --service-cluster-ip-range: one CIDR or a dual-stack pair, read as the release's
    /// kube-apiserver reads it [default: a scenario's serviceClusterIPRange, else 10.96.0.0/12]
    #[arg(long, value_name = "CIDR[,CIDR]")]
    service_cluster_ip_range: Option<String>,
    #[command(flatten)]
    split: SplitArgs,
}

/// The Kubernetes release modelled and the band split's feature gate.
#[derive(clap::Args)]
struct SplitArgs {
    /// The Kubernetes release to model, 1.27 to 1.35 (`portband version --supported`)
    /// [default: a scenario's, else 1.35]
    #[arg(long, value_name = "1.Y", value_parser = KubeVersion::parse)]
    kubernetes_version: Option<KubeVersion>,
    /// The apiserver's feature gate of the band split, as kube-apiserver takes it:
    /// ServiceNodePortStaticSubrange=true|false [default: a scenario's staticSubrange, else the
    /// release's default: off in 1.27, on from 1.28]
    #[arg(long, value_name = "GATE=BOOL", value_parser = parse_gate, conflicts_with = "legacy")]
    feature_gates: Option<bool>,
    /// No band split: dynamic ports come from the whole range, as before KEP-3668
    /// (--feature-gates ServiceNodePortStaticSubrange=false).
    #[arg(long)]
    legacy: bool,
}

impl SplitArgs {
    /// The release and whether the band split is on: the flags, else the files' settings (a
    /// release a file names, a `staticSubrange` it writes), else the defaults. Warns on standard
    /// error when the split is off where no cluster of that release can turn it off.
    fn resolve(&self, file_version: KubeVersion, file_split: Option<bool>) -> (KubeVersion, bool) {
        let version = self.kubernetes_version.unwrap_or(file_version);
        let gate = version.static_subrange_gate();
        let split = if self.legacy {
            false
        } else {
            self.feature_gates
                .or(file_split)
                .unwrap_or(gate.default_on())
        };
        if let Some(note) = version.no_legacy_note().filter(|_| !split) {
            eprintln!("warning: {note}; shown for comparison only");
        }
        (version, split)
    }
}

/// Reads `ServiceNodePortStaticSubrange=true|false`, the one feature gate portband models.
fn parse_gate(value: &str) -> Result<bool, String> {
    let (name, on) = value.split_once('=').unwrap_or((value, "true"));
    if name.trim() != "ServiceNodePortStaticSubrange" {
        return Err(format!(
            "portband models one feature gate, ServiceNodePortStaticSubrange, not {}",
            name.trim()
        ));
    }
    match on.trim() {
        "true" => Ok(true),
        "false" => Ok(false),
        other => Err(format!("a feature gate is true or false, not {other:?}")),
    }
}

/// Output formats of apply and bands.
#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// Aligned text for people.
    Table,
    /// One JSON object (see the README for its fields).
    Json,
}

/// Output formats of check.
#[derive(Clone, Copy, ValueEnum)]
enum CheckFormat {
    /// `file:line:column: severity: message`, as compilers print.
    Text,
    /// One JSON object.
    Json,
    /// SARIF 2.1.0, for code-scanning tools: a rule per kind of finding, a result per finding.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…,line=…,col=…::…`): annotations on the
    /// pull request's lines.
    Github,
    /// JUnit XML as kubeconform writes it: a test suite per file, a test case per Service, its
    /// errors (and with --deny-warnings its warnings) as failures.
    Junit,
}

/// `--color`.
#[derive(Clone, Copy, ValueEnum)]
enum Color {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// `--mode`: one of [`Mode::ALL`], by name.
fn parse_mode() -> impl clap::builder::TypedValueParser<Value = Mode> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(Mode::ALL.map(Mode::as_str))
        .map(|name| name.parse().expect("a mode's own name"))
}

/// Writes `text` to standard output. A reader that stops reading (`portband apply … | head`) is
/// not an error: the rest is dropped, as Unix tools drop it.
fn print(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("portband: standard output: {e}");
        }
    }
}

fn parse_range(value: &str) -> Result<PortRange, String> {
    PortRange::parse_flag(value).map_err(|e| e.to_string())
}

/// `--service-cluster-ip-range` read as `version`'s kube-apiserver reads it (which allocator the
/// release uses decides the size limits), or its error printed as clap prints a bad value.
fn parse_service_cidrs(value: &str, version: KubeVersion) -> Option<ServiceCidrs> {
    ServiceCidrs::parse(value, version.ip_allocator())
        .map_err(|e| {
            eprintln!(
                "error: invalid value '{value}' for '--service-cluster-ip-range <CIDR[,CIDR]>': {e}"
            );
        })
        .ok()
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Apply {
            cluster,
            mode,
            format,
            files,
        } => apply::run(&cluster, mode, format, &files),
        Command::Check {
            range,
            kubernetes_version,
            cluster,
            service_cluster_ip_range,
            format,
            deny_warnings,
            quiet,
            summary,
            color,
            files,
        } => {
            let output = match (quiet, summary) {
                (_, true) => check::Output::Summary,
                (true, _) => check::Output::Findings,
                _ => check::Output::Both,
            };
            let colour = match color {
                Color::Always => true,
                Color::Never => false,
                Color::Auto => {
                    use std::io::IsTerminal;
                    std::io::stdout().is_terminal()
                        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                }
            };
            let options = check::Options {
                range,
                version: kubernetes_version,
                service_cidrs: service_cluster_ip_range,
                cluster,
                format,
                output,
                colour,
                deny_warnings,
            };
            check::run(&options, &files)
        }
        Command::Bands {
            range: _,
            service_cluster_ip_range: Some(cidrs),
            split,
            format,
        } => {
            let version = split.kubernetes_version.unwrap_or_default();
            bands::run_cidrs(&cidrs, version, format)
        }
        Command::Bands {
            range,
            service_cluster_ip_range: None,
            split,
            format,
        } => bands::run(range, &split, format),
        Command::Simulate {
            range,
            dynamic,
            static_ports,
            order,
            trials,
            seed,
            mode,
            format,
        } => simulate::run(
            &simulate::Options {
                range,
                dynamic,
                static_ports,
                order,
                trials,
                seed,
            },
            mode,
            format,
        ),
        Command::Version { supported } => version::run(supported),
    };
    ExitCode::from(code)
}
