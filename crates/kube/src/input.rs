//! Reading what a user gives: a stream of manifests (every object a step, sent as `kubectl apply`
//! sends it unless told otherwise), or a scenario file (a range, a seed, the band-split switch and
//! a list of apply, replace, create, delete and manifests steps); and writing a history's inputs
//! back as a scenario file.

use crate::cluster::{ClusterConfig, Source, Step};
use crate::decode::{objects, objects_at, Found, Object};
use crate::key::ServiceKey;
use crate::version::KubeVersion;
use crate::yaml::{parse_stream, Document, InputError, NodeId, Stream, Value, MAX_DOCUMENT_BYTES};
use portband_allocator::gofmt::Quoted;
use portband_allocator::{PortRange, ServiceCidrs};
use portband_contract::{Mode, MAX_SEED};
use std::rc::Rc;

/// The `apiVersion` of a scenario file.
pub const SCENARIO_API_VERSION: &str = "portband/v1";
/// The most copies one `repeat` may make.
pub const MAX_REPEAT: usize = 65_536;
/// How deep `manifests` steps may hold scenarios that hold `manifests` steps.
pub const MAX_NESTING: usize = 8;
/// The most steps one input may expand to: a short scenario with `repeat`s (or a shared link)
/// must not keep a browser tab busy for minutes.
pub const MAX_STEPS: usize = 100_000;

fn too_many_steps(document: usize, pos: crate::yaml::Pos) -> InputError {
    InputError {
        document,
        pos,
        message: format!("this input expands to more than {MAX_STEPS} steps, the most portband runs from one input"),
    }
}

/// What an input asks for: its steps, and the settings a scenario file carries.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Input {
    /// The steps, in order.
    pub steps: Vec<Step>,
    /// A scenario's `range`.
    pub range: Option<PortRange>,
    /// A scenario's `seed`.
    pub seed: Option<u64>,
    /// A scenario's `kubernetesVersion`.
    pub version: Option<KubeVersion>,
    /// A scenario's `staticSubrange` (false: the behaviour before KEP-3668).
    pub static_subrange: Option<bool>,
    /// A scenario's `serviceClusterIPRange`.
    pub service_cidrs: Option<ServiceCidrs>,
    /// A scenario's `metadata.name`.
    pub name: Option<String>,
    /// A scenario's `description`.
    pub description: Option<String>,
    /// A scenario's steps as the inputs [`write_scenario`] records, when every step is a
    /// `manifests` or a `delete` step.
    pub entries: Option<Vec<Entry>>,
    /// The notes of a scenario's steps (`note:`): each with the steps its item made, in order.
    pub notes: Vec<Note>,
}

/// A scenario step's `note:`, a caption for the steps that step made (a lesson's words).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// The steps, by index in the input.
    pub steps: std::ops::Range<usize>,
    /// The text.
    pub text: String,
}

impl Input {
    /// The settings a scenario sets, over `base` for those it leaves out. A scenario that names a
    /// Kubernetes version and not `staticSubrange` gets the band split that version has by
    /// default.
    pub fn config_over(&self, base: ClusterConfig) -> ClusterConfig {
        ClusterConfig {
            version: self.version.unwrap_or(base.version),
            range: self.range.unwrap_or(base.range),
            seed: self.seed.unwrap_or(base.seed),
            static_subrange: self.band_split().unwrap_or(base.static_subrange),
            service_cidrs: self.service_cidrs.unwrap_or(base.service_cidrs),
        }
    }

    /// The band split a scenario sets: its `staticSubrange`, else the default of the Kubernetes
    /// version it names, else none.
    pub fn band_split(&self) -> Option<bool> {
        self.static_subrange
            .or(self.version.map(|v| v.static_subrange_gate().default_on()))
    }
}

/// Reads a manifest stream (each object sent with `kubectl apply`) or a scenario file.
pub fn read(text: &str) -> Result<Input, InputError> {
    read_sent(text, Mode::Apply)
}

/// Reads a manifest stream whose objects are sent as `mode` says, or a scenario file (whose steps
/// say how each object is sent).
pub fn read_sent(text: &str, mode: Mode) -> Result<Input, InputError> {
    read_nested(text, 0, mode)
}

/// An input read a slice at a time, as the web app reads megabytes: between slices a page can
/// show how far it is and stay responsive. The same input as [`read`] gives, and the same errors.
pub struct Reading {
    stage: Stage,
    mode: Mode,
}

enum Stage {
    /// YAML events into documents (the parser's state is large: boxed).
    Parsing(Box<Stream>),
    /// Manifest documents into steps, one by one.
    Decoding {
        documents: std::vec::IntoIter<Document>,
        total: usize,
        steps: Vec<Step>,
    },
}

/// How far a [`Reading`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadProgress {
    /// Bytes of YAML parsed, of how many.
    Parsing(usize, usize),
    /// Manifest documents decoded, of how many.
    Decoding(usize, usize),
}

impl Reading {
    /// A reading of `text`, whose manifests are sent as `mode` says (as [`read_sent`] reads).
    pub fn new(text: Rc<str>, mode: Mode) -> Self {
        Reading {
            stage: Stage::Parsing(Box::new(Stream::new(text))),
            mode,
        }
    }

    /// Does up to `events` more work (YAML events parsed, or nodes of documents decoded: a few
    /// thousand take a millisecond or two); once the input is all read, what it asks for (or why
    /// it cannot be used), and the reading is over.
    pub fn advance(&mut self, events: usize) -> Option<Result<Input, InputError>> {
        match &mut self.stage {
            Stage::Parsing(stream) => match stream.read(events) {
                Ok(false) => None,
                Err(e) => Some(Err(e)),
                Ok(true) => {
                    let documents = stream.take_documents();
                    match read_whole(&documents, 0) {
                        Ok(None) => {
                            self.stage = Stage::Decoding {
                                total: documents.len(),
                                documents: documents.into_iter(),
                                steps: Vec::new(),
                            };
                            None
                        }
                        done => done.transpose(),
                    }
                }
            },
            Stage::Decoding {
                documents, steps, ..
            } => {
                let mut budget = events;
                while budget > 0 {
                    let Some(doc) = documents.next() else { break };
                    budget = budget.saturating_sub(doc.nodes());
                    if let Err(e) = add_manifests(&doc, self.mode, steps) {
                        return Some(Err(e));
                    }
                }
                (documents.len() == 0).then(|| {
                    Ok(Input {
                        steps: std::mem::take(steps),
                        ..Input::default()
                    })
                })
            }
        }
    }

    /// How far the reading is.
    pub fn progress(&self) -> ReadProgress {
        match &self.stage {
            Stage::Parsing(stream) => {
                let (done, total) = stream.progress();
                ReadProgress::Parsing(done, total)
            }
            Stage::Decoding {
                documents, total, ..
            } => ReadProgress::Decoding(total - documents.len(), *total),
        }
    }
}

fn read_nested(text: &str, depth: usize, mode: Mode) -> Result<Input, InputError> {
    let documents = parse_stream(text)?;
    if let Some(input) = read_whole(&documents, depth)? {
        return Ok(input);
    }
    let mut steps = Vec::new();
    for doc in &documents {
        add_manifests(doc, mode, &mut steps)?;
    }
    Ok(Input {
        steps,
        ..Input::default()
    })
}

/// Checks the documents of an input as a whole: what a scenario asks for, or `None` for
/// manifests, which are decoded a document at a time ([`add_manifests`]).
fn read_whole(documents: &[Document], depth: usize) -> Result<Option<Input>, InputError> {
    let scenario = documents.iter().find(|doc| is_scenario(doc));
    // Manifests are bounded tighter than a scenario, which can hold a whole history, or a List,
    // whose items kubectl sends one at a time (a cluster's dump is one).
    if let Some(doc) = documents
        .iter()
        .find(|doc| doc.bytes > MAX_DOCUMENT_BYTES && !is_scenario(doc) && !is_list(doc))
    {
        return Err(InputError {
            document: doc.number,
            pos: doc.pos,
            message: format!(
                "the document is larger than 1 MiB ({MAX_DOCUMENT_BYTES} bytes); split it into smaller documents"
            ),
        });
    }
    match scenario {
        Some(doc) if documents.iter().filter(|d| d.root().is_some()).count() > 1 => {
            Err(InputError {
                document: doc.number,
                pos: doc.pos,
                message:
                    "a scenario file holds one document: the scenario; put Services under its steps"
                        .to_owned(),
            })
        }
        Some(doc) => read_scenario(doc, depth).map(Some),
        None => Ok(None),
    }
}

/// Adds the steps of one manifest document's objects, sent as `mode` says, to `steps`.
fn add_manifests(doc: &Document, mode: Mode, steps: &mut Vec<Step>) -> Result<(), InputError> {
    steps.extend(
        objects(doc)?
            .into_iter()
            .map(|found| object_step(found, mode)),
    );
    if steps.len() > MAX_STEPS {
        return Err(too_many_steps(doc.number, doc.pos));
    }
    Ok(())
}

fn object_step(found: Found, mode: Mode) -> Step {
    Step::Object {
        source: Source {
            document: found.document,
            pos: found.pos,
        },
        object: found.object,
        mode,
    }
}

fn is_scenario(doc: &Document) -> bool {
    let text = |key| {
        doc.root()
            .and_then(|r| doc.get(r, key))
            .and_then(|v| doc.scalar_text(v))
    };
    text("apiVersion") == Some(SCENARIO_API_VERSION) && text("kind") == Some("Scenario")
}

/// Whether a document is a List of objects (`kind: List`, or `ServiceList` and the like with
/// `items`), as decoding flattens them.
fn is_list(doc: &Document) -> bool {
    let Some(root) = doc.root() else {
        return false;
    };
    match doc.get(root, "kind").and_then(|v| doc.scalar_text(v)) {
        Some("List") => true,
        Some(kind) => kind.ends_with("List") && doc.get(root, "items").is_some(),
        None => false,
    }
}

const SCENARIO_FIELDS: &[&str] = &[
    "apiVersion",
    "kind",
    "metadata",
    "description",
    "kubernetesVersion",
    "range",
    "seed",
    "staticSubrange",
    "serviceClusterIPRange",
    "steps",
];

fn read_scenario(doc: &Document, depth: usize) -> Result<Input, InputError> {
    let fail = |node: NodeId, message: String| InputError {
        document: doc.number,
        pos: doc.node(node).pos,
        message,
    };
    let root = doc.root().expect("a scenario has a root");
    let Value::Map(entries) = &doc.node(root).value else {
        return Err(fail(root, "a scenario must be a mapping".to_owned()));
    };
    let mut input = Input::default();
    let mut service_cidrs = None;
    for &(key, value) in entries {
        let name = doc.scalar_text(key).unwrap_or("");
        let text = || doc.scalar_text(value).map(str::trim).unwrap_or("");
        match name {
            "apiVersion" | "kind" => {}
            "metadata" => {
                input.name = doc
                    .get(value, "name")
                    .and_then(|n| doc.scalar_text(n))
                    .map(str::to_owned)
            }
            "description" => input.description = Some(text().to_owned()),
            "range" => {
                input.range =
                    Some(PortRange::parse_flag(text()).map_err(|e| {
                        fail(value, format!("invalid range {}: {e}", Quoted(text())))
                    })?)
            }
            "seed" => {
                let seed = text()
                    .parse::<u64>()
                    .ok()
                    .filter(|&s| s <= MAX_SEED)
                    .ok_or_else(|| {
                        fail(
                            value,
                            format!("the seed must be a whole number from 0 to {MAX_SEED}"),
                        )
                    })?;
                input.seed = Some(seed);
            }
            "kubernetesVersion" => {
                input.version = Some(KubeVersion::parse(text()).map_err(|e| {
                    fail(
                        value,
                        format!("invalid kubernetesVersion {}: {e}", Quoted(text())),
                    )
                })?)
            }
            "staticSubrange" => {
                input.static_subrange = Some(match text() {
                    "true" => true,
                    "false" => false,
                    _ => {
                        return Err(fail(
                            value,
                            "staticSubrange must be true or false".to_owned(),
                        ))
                    }
                })
            }
            "serviceClusterIPRange" => service_cidrs = Some(value),
            "steps" => {
                (input.steps, input.entries, input.notes) = scenario_steps(doc, value, depth)?
            }
            other => {
                return Err(fail(
                    key,
                    format!(
                        "unknown field {} in a scenario; known fields: {}",
                        Quoted(other),
                        SCENARIO_FIELDS.join(", ")
                    ),
                ))
            }
        }
    }
    if let Some(value) = service_cidrs {
        // Checked as the scenario's release (the newest when it names none) reads the flag.
        let Some(text) = doc.scalar_text(value).map(str::trim) else {
            return Err(fail(
                value,
                "serviceClusterIPRange must be a CIDR, or two of different families separated by a comma".to_owned(),
            ));
        };
        let kind = input.version.unwrap_or(KubeVersion::NEWEST).ip_allocator();
        input.service_cidrs = Some(ServiceCidrs::parse(text, kind).map_err(|e| {
            fail(
                value,
                format!("invalid serviceClusterIPRange {}: {e}", Quoted(text)),
            )
        })?);
    }
    Ok(input)
}

/// A scenario's steps: the steps, the inputs they record (see [`Input::entries`]), the notes.
type ScenarioSteps = (Vec<Step>, Option<Vec<Entry>>, Vec<Note>);

fn scenario_steps(doc: &Document, node: NodeId, depth: usize) -> Result<ScenarioSteps, InputError> {
    let fail = |node: NodeId, message: &str| InputError {
        document: doc.number,
        pos: doc.node(node).pos,
        message: message.to_owned(),
    };
    let Value::Seq(items) = &doc.node(node).value else {
        return Err(fail(node, "steps must be a list"));
    };
    let mut steps = Vec::new();
    let mut entries = Some(Vec::new());
    let mut notes = Vec::new();
    for &item in items {
        let first_step = steps.len();
        let note = match doc.get(item, "note") {
            None => None,
            Some(node) => Some(
                doc.scalar_text(node)
                    .map(str::to_owned)
                    .ok_or_else(|| fail(node, "note must be text"))?,
            ),
        };
        let source = Source {
            document: doc.number,
            pos: doc.node(item).pos,
        };
        let sent = Mode::ALL
            .into_iter()
            .filter_map(|mode| doc.get(item, mode.as_str()).map(|node| (mode, node)))
            .collect::<Vec<_>>();
        let mode_key = doc.get(item, "mode");
        match (
            sent.as_slice(),
            doc.get(item, "delete"),
            doc.get(item, "manifests"),
        ) {
            (&[(mode, object)], None, None) if mode_key.is_none() => {
                entries = None;
                let found = objects_at(doc, object)?;
                let count =
                    |key: &str, low: usize, high: usize| -> Result<Option<usize>, InputError> {
                        let Some(node) = doc.get(item, key) else {
                            return Ok(None);
                        };
                        doc.scalar_text(node)
                            .and_then(|c| c.trim().parse::<usize>().ok())
                            .filter(|c| (low..=high).contains(c))
                            .map(Some)
                            .ok_or_else(|| {
                                fail(
                                    node,
                                    &format!("{key} must be a whole number from {low} to {high}"),
                                )
                            })
                    };
                let copies = count("repeat", 1, MAX_REPEAT)?;
                // Copy numbers stay within u32, whatever the platform's usize.
                let first = count("first", 0, u32::MAX as usize - MAX_REPEAT)?;
                match (copies, first) {
                    (None, None) => steps.extend(found.into_iter().map(|f| object_step(f, mode))),
                    (None, Some(_)) => {
                        return Err(fail(
                            doc.get(item, "first").unwrap_or(item),
                            "first numbers the copies of a `repeat`; add `repeat: N`",
                        ))
                    }
                    (Some(copies), first) => {
                        if steps
                            .len()
                            .saturating_add(copies.saturating_mul(found.len()))
                            > MAX_STEPS
                        {
                            let node = doc.get(item, "repeat").unwrap_or(item);
                            return Err(too_many_steps(doc.number, doc.node(node).pos));
                        }
                        let first = first.unwrap_or(1);
                        for i in first..first + copies {
                            steps.extend(
                                found
                                    .iter()
                                    .cloned()
                                    .map(|f| object_step(numbered(f, i), mode)),
                            );
                        }
                    }
                }
            }
            ([], None, Some(block)) => {
                let mode = match mode_key {
                    None => Mode::Apply,
                    Some(node) => doc
                        .scalar_text(node)
                        .and_then(|text| text.parse().ok())
                        .ok_or_else(|| fail(node, "mode is apply, replace or create"))?,
                };
                let inner = manifests(doc, block, depth, mode)?;
                // The inner scenario's own notes, unless this step has one for all of it.
                if note.is_none() {
                    notes.extend(inner.notes.into_iter().map(|n| Note {
                        steps: n.steps.start + steps.len()..n.steps.end + steps.len(),
                        text: n.text,
                    }));
                }
                steps.extend(inner.steps);
                if let (Some(entries), Some(text)) = (&mut entries, doc.scalar_text(block)) {
                    entries.push(Entry::Manifests(text.to_owned(), mode, note.clone()));
                }
            }
            ([], Some(target), None) if mode_key.is_none() => {
                let Ok(key) = doc.scalar_text(target).unwrap_or("").parse::<ServiceKey>() else {
                    return Err(fail(
                        target,
                        "delete takes a Service as namespace/name (or name, in default)",
                    ));
                };
                if let Some(entries) = &mut entries {
                    entries.push(Entry::Delete(key.clone(), note.clone()));
                }
                steps.push(Step::Delete { key, source });
            }
            _ => {
                return Err(fail(
                    item,
                    "each step is one of `apply: <object>`, `replace: <object>` or `create: \
                     <object>` (each with an optional `repeat: N`), `delete: namespace/name` or \
                     `manifests: <a YAML stream>` (with an optional `mode: apply|replace|create`)",
                ))
            }
        }
        if steps.len() > MAX_STEPS {
            return Err(too_many_steps(doc.number, doc.node(item).pos));
        }
        if let Some(text) = note {
            notes.push(Note {
                steps: first_step..steps.len(),
                text,
            });
        }
    }
    Ok((steps, entries, notes))
}

/// The input of a `manifests` step (its steps and notes): its text read as if pasted on its own, its objects sent as
/// `mode` says (a scenario's steps without its settings). The text is padded so that its lines keep the file's line numbers, and
/// a reading error's column counts from the file's left edge.
fn manifests(doc: &Document, block: NodeId, depth: usize, mode: Mode) -> Result<Input, InputError> {
    // A block scalar's position is its text's first line and column.
    let pos = doc.node(block).pos;
    let fail = |message: String| InputError {
        document: doc.number,
        pos,
        message,
    };
    let Some(inner) = doc.scalar_text(block) else {
        return Err(fail(
            "manifests must be a YAML stream written as a text block (`manifests: |`)".to_owned(),
        ));
    };
    if depth + 1 >= MAX_NESTING {
        return Err(fail(format!(
            "manifests steps may hold scenarios with manifests steps at most {MAX_NESTING} deep"
        )));
    }
    let before = pos.line.saturating_sub(1);
    let padded = format!("{}{inner}", "\n".repeat(before as usize));
    read_nested(&padded, depth + 1, mode).map_err(|mut e| {
        e.document = doc.number;
        if e.pos.line.saturating_sub(before) <= inner.lines().count() as u32 {
            e.pos.column += pos.column - 1;
        }
        e
    })
}

/// The `i`-th copy of a repeated object: its name gets the suffix `-i`.
fn numbered(mut found: Found, i: usize) -> Found {
    match &mut found.object {
        Object::Service(service) => service.name = format!("{}-{i}", service.name),
        Object::Other { key, .. } | Object::Undecodable { key, .. } => *key = format!("{key}-{i}"),
    }
    found
}

/// One input a history was given, in the form a scenario file records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    /// A YAML stream applied as a whole: manifests sent as the mode says, or a scenario whose
    /// steps are taken; and the scenario step's note, if it had one.
    Manifests(String, Mode, Option<String>),
    /// `kubectl delete service` of `namespace/name`, and the scenario step's note.
    Delete(ServiceKey, Option<String>),
}

/// A scenario file that replays `entries` under `config`: [`read`] gives back the same steps.
pub fn write_scenario(config: &ClusterConfig, entries: &[Entry]) -> String {
    use std::fmt::Write;
    let mut out = format!(
        "apiVersion: {SCENARIO_API_VERSION}\nkind: Scenario\nkubernetesVersion: \"{}\"\nrange: {}\nseed: {}\nstaticSubrange: {}\nsteps:",
        config.version, config.range, config.seed, config.static_subrange
    );
    if config.service_cidrs != ServiceCidrs::default() {
        // Before `steps:`, which ends the header.
        let at = out.len() - "steps:".len();
        out.insert_str(
            at,
            &format!("serviceClusterIPRange: {}\n", config.service_cidrs),
        );
    }
    if entries.is_empty() {
        out.push_str(" []");
    }
    out.push('\n');
    for entry in entries {
        let note = match entry {
            Entry::Manifests(_, _, note) | Entry::Delete(_, note) => note,
        };
        match entry {
            Entry::Delete(key, _) => {
                let _ = writeln!(out, "- delete: {}", Quoted(&key.to_string()));
            }
            // Text a literal block cannot carry (a carriage return, control characters) goes in
            // double quotes, escaped as Go's %q escapes (YAML reads the same escapes).
            Entry::Manifests(text, mode, _) => {
                if text
                    .chars()
                    .any(|c| c == '\u{feff}' || (c.is_control() && c != '\n' && c != '\t'))
                {
                    let _ = writeln!(out, "- manifests: {}", Quoted(text));
                } else {
                    // A literal block, indented 4 (2 past the step's mapping); `+` keeps every
                    // final line break and `-` says there is none, so the text comes back byte
                    // for byte.
                    let chomp = if text.ends_with('\n') { '+' } else { '-' };
                    let _ = writeln!(out, "- manifests: |2{chomp}");
                    for line in text.lines() {
                        let _ = writeln!(out, "    {line}");
                    }
                }
                if *mode != Mode::Apply {
                    let _ = writeln!(out, "  mode: {mode}");
                }
            }
        }
        if let Some(note) = note {
            let _ = writeln!(out, "  note: {}", Quoted(note));
        }
    }
    out
}
