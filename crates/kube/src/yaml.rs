//! YAML streams read into position-carrying trees, with bounds on size and alias expansion.
//!
//! Aliases are never copied: an alias is a second reference to its anchor's node. Each document's
//! expansion is still measured, and a document whose aliases would expand past
//! [`MAX_ALIAS_NODES`] nodes or [`MAX_ALIAS_BYTES`] bytes of text ("billion laughs") is refused
//! while it is read, so time and memory stay linear in the input.

pub mod resolve;

use portband_allocator::gofmt::Quoted;
use portband_contract::MAX_SCENARIO_BYTES;
use saphyr_parser::{BufferedInput, Event, Parser, ScalarStyle, Span};
use std::fmt;
use std::rc::Rc;

/// The largest document accepted, in bytes: manifests (see `input`).
pub const MAX_DOCUMENT_BYTES: usize = 1 << 20;
/// The most nodes that aliases may add to one document when expanded.
pub const MAX_ALIAS_NODES: u64 = 100_000;
/// The most scalar text, in bytes, that aliases may add to one document when expanded.
pub const MAX_ALIAS_BYTES: u64 = 1 << 20;

/// A position in the input: 1-based line and column (columns count characters).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    /// The line, from 1.
    pub line: u32,
    /// The column, from 1.
    pub column: u32,
}

impl fmt::Display for Pos {
    /// `line L, column C`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// The index of a node in its [`Document`].
pub type NodeId = usize;

/// A node of a document tree.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// Where the node starts.
    pub pos: Pos,
    /// What the node holds.
    pub value: Value,
}

/// The content of a node. Collections refer to their children by id; an alias is the id of its
/// anchor's node, so a node can be a child more than once.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A scalar and how it was written.
    Scalar(Scalar),
    /// A sequence.
    Seq(Vec<NodeId>),
    /// A mapping, in input order.
    Map(Vec<(NodeId, NodeId)>),
}

/// A scalar's text, whether it was plain (unquoted, so subject to type resolution), and its core tag
/// (`str`, `int`, …) if it had one.
#[derive(Clone, Debug, PartialEq)]
pub struct Scalar {
    /// The scalar's text.
    pub text: String,
    /// True for a plain scalar: `80`, `true`, `null` are numbers, booleans and null only when plain.
    pub plain: bool,
    /// The suffix of a `!!tag` from the YAML core schema, e.g. `str`.
    pub tag: Option<String>,
}

/// One document of a stream.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    /// The document's number in the stream, from 1.
    pub number: usize,
    /// Where the document starts.
    pub pos: Pos,
    /// The document's length in bytes.
    pub bytes: usize,
    nodes: Vec<Node>,
    root: Option<NodeId>,
}

impl Document {
    /// The root node, or `None` for an empty document.
    pub fn root(&self) -> Option<NodeId> {
        self.root
    }

    /// How many nodes the document has.
    pub fn nodes(&self) -> usize {
        self.nodes.len()
    }

    /// The node with id `id`.
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id]
    }

    /// The value of `key` in the mapping `map`, if `map` is a mapping that has it.
    pub fn get(&self, map: NodeId, key: &str) -> Option<NodeId> {
        match &self.node(map).value {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| self.scalar_text(*k) == Some(key))
                .map(|(_, v)| *v),
            _ => None,
        }
    }

    /// The text of a scalar node.
    pub fn scalar_text(&self, id: NodeId) -> Option<&str> {
        match &self.node(id).value {
            Value::Scalar(s) => Some(&s.text),
            _ => None,
        }
    }
}

/// Input that cannot be used at all: broken YAML, a bound exceeded, or a document that is not a
/// Kubernetes object (or a scenario with a field it does not know).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    /// The document, from 1.
    pub document: usize,
    /// Where.
    pub pos: Pos,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for InputError {
    /// `line L, column C (document D): message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (document {}): {}",
            self.pos, self.document, self.message
        )
    }
}

impl std::error::Error for InputError {}

/// Reads every document of a YAML stream. The first syntax error or exceeded bound ends the
/// reading: what follows a syntax error cannot be trusted.
pub fn parse_stream(text: &str) -> Result<Vec<Document>, InputError> {
    let mut stream = Stream::new(Rc::from(text));
    stream.read(usize::MAX)?;
    Ok(stream.take_documents())
}

/// A YAML stream read a slice of events at a time, so that a page reading megabytes can show
/// how far it is and stay responsive in between. [`parse_stream`] reads one to its end.
pub(crate) struct Stream {
    text: Rc<str>,
    parser: Parser<'static, BufferedInput<SharedChars>>,
    reader: Reader,
    done: bool,
}

impl Stream {
    /// A stream over `text`, nothing read yet.
    pub fn new(text: Rc<str>) -> Self {
        Stream {
            parser: Parser::new_from_iter(SharedChars {
                text: text.clone(),
                at: 0,
            }),
            text,
            reader: Reader::new(),
            done: false,
        }
    }

    /// Reads up to `events` more parser events; true once the whole stream is read. An error
    /// ends the reading, as in [`parse_stream`].
    pub fn read(&mut self, events: usize) -> Result<bool, InputError> {
        for _ in 0..events {
            if self.done {
                break;
            }
            let Some(event) = self.parser.next() else {
                self.done = true;
                break;
            };
            let read = match event {
                Ok((event, span)) => self.reader.event(&self.text, event, span),
                Err(e) => {
                    let m = e.marker();
                    Err(self
                        .reader
                        .error_at(pos(m.line(), m.col()), e.info().to_owned()))
                }
            };
            if let Err(e) = read {
                self.done = true;
                return Err(e);
            }
        }
        Ok(self.done)
    }

    /// How far the reading is: the bytes read, of how many.
    pub fn progress(&self) -> (usize, usize) {
        (self.reader.bytes.bytes, self.text.len())
    }

    /// Takes the documents read so far (all of them, once [`Stream::read`] has said so).
    pub fn take_documents(&mut self) -> Vec<Document> {
        std::mem::take(&mut self.reader.documents)
    }
}

/// The characters of a shared text, which the parser owns a handle to, so that a [`Stream`] can
/// be kept between slices. (One kind of input for every caller: each kind the parser is built
/// for adds its whole scanner to the web app.)
struct SharedChars {
    text: Rc<str>,
    /// The byte offset of the next character.
    at: usize,
}

impl Iterator for SharedChars {
    type Item = char;

    fn next(&mut self) -> Option<char> {
        let c = self.text[self.at..].chars().next()?;
        self.at += c.len_utf8();
        Some(c)
    }
}

fn pos(line: usize, col: usize) -> Pos {
    Pos {
        line: u32::try_from(line).unwrap_or(u32::MAX),
        column: u32::try_from(col + 1).unwrap_or(u32::MAX),
    }
}

fn span_pos(span: &Span) -> Pos {
    pos(span.start.line(), span.start.col())
}

/// The expanded size of a node: how many nodes and how many bytes of scalar text it stands for.
#[derive(Clone, Copy, Default)]
struct Size {
    nodes: u64,
    bytes: u64,
}

impl Size {
    fn add(&mut self, other: Size) {
        self.nodes = self.nodes.saturating_add(other.nodes);
        self.bytes = self.bytes.saturating_add(other.bytes);
    }
}

/// An open collection: its node, its children so far, their expanded size, and, for mappings,
/// a key waiting for its value.
struct Open {
    id: NodeId,
    children: Vec<NodeId>,
    size: Size,
}

/// Builds documents from parser events.
struct Reader {
    documents: Vec<Document>,
    nodes: Vec<Node>,
    sizes: Vec<Size>,
    stack: Vec<Open>,
    root: Option<NodeId>,
    /// The node of each anchor id (saphyr numbers anchors from 1 upwards).
    anchors: Vec<Option<NodeId>>,
    doc_pos: Pos,
    doc_start_byte: usize,
    doc_bytes: usize,
    alias_added: Size,
    bytes: ByteCursor,
}

impl Reader {
    fn new() -> Self {
        Reader {
            documents: Vec::new(),
            nodes: Vec::new(),
            sizes: Vec::new(),
            stack: Vec::new(),
            root: None,
            anchors: Vec::new(),
            doc_pos: Pos { line: 1, column: 1 },
            doc_start_byte: 0,
            doc_bytes: 0,
            alias_added: Size::default(),
            bytes: ByteCursor::default(),
        }
    }

    fn error_at(&self, pos: Pos, message: String) -> InputError {
        InputError {
            document: self.documents.len() + 1,
            pos,
            message,
        }
    }

    /// Takes the next event of `text`.
    fn event(&mut self, text: &str, event: Event<'_>, span: Span) -> Result<(), InputError> {
        let here = span_pos(&span);
        let end = self.bytes.advance_to(text, span.end.index());
        self.doc_bytes = self.doc_bytes.max(end.saturating_sub(self.doc_start_byte));
        if self.doc_bytes > MAX_SCENARIO_BYTES {
            return Err(self.error_at(
                self.doc_pos,
                format!(
                    "the document is larger than 16 MiB ({MAX_SCENARIO_BYTES} bytes), the most portband reads in one document"
                ),
            ));
        }
        match event {
            Event::DocumentStart(_) => {
                self.doc_pos = here;
                self.doc_start_byte = self.bytes.advance_to(text, span.start.index());
                self.doc_bytes = 0;
            }
            Event::DocumentEnd => self.finish_document(),
            Event::Scalar(text, style, anchor, tag) => {
                let size = Size {
                    nodes: 1,
                    bytes: text.len() as u64,
                };
                let scalar = Scalar {
                    plain: style == ScalarStyle::Plain,
                    tag: tag
                        .filter(|t| t.is_yaml_core_schema())
                        .map(|t| t.suffix.clone()),
                    text: text.into_owned(),
                };
                let id = self.push(here, Value::Scalar(scalar), size);
                self.anchor(anchor, id);
                self.attach(id, size, here)?;
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                let value = if matches!(event, Event::SequenceStart(..)) {
                    Value::Seq(Vec::new())
                } else {
                    Value::Map(Vec::new())
                };
                let id = self.push(here, value, Size::default());
                self.anchor(anchor, id);
                self.stack.push(Open {
                    id,
                    children: Vec::new(),
                    size: Size { nodes: 1, bytes: 0 },
                });
            }
            Event::SequenceEnd | Event::MappingEnd => self.close()?,
            Event::Alias(anchor) => {
                let target = self.anchors.get(anchor).copied().flatten().ok_or_else(|| {
                    self.error_at(here, "found an alias to an unknown anchor".to_owned())
                })?;
                if self.stack.iter().any(|open| open.id == target) {
                    return Err(
                        self.error_at(here, "found an alias to a node that contains it".to_owned())
                    );
                }
                let size = self.sizes[target];
                self.alias_added.add(size);
                if self.alias_added.nodes > MAX_ALIAS_NODES
                    || self.alias_added.bytes > MAX_ALIAS_BYTES
                {
                    return Err(self.error_at(
                        here,
                        format!(
                            "aliases in this document would expand to more than {MAX_ALIAS_NODES} nodes or \
                             {MAX_ALIAS_BYTES} bytes; refusing it (an alias bomb?)"
                        ),
                    ));
                }
                self.attach(target, size, here)?;
            }
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
        }
        Ok(())
    }

    fn push(&mut self, pos: Pos, value: Value, size: Size) -> NodeId {
        self.nodes.push(Node { pos, value });
        self.sizes.push(size);
        self.nodes.len() - 1
    }

    fn anchor(&mut self, anchor: usize, id: NodeId) {
        if anchor != 0 {
            if self.anchors.len() <= anchor {
                self.anchors.resize(anchor + 1, None);
            }
            self.anchors[anchor] = Some(id);
        }
    }

    /// Adds a finished node to the open collection, or makes it the document's root.
    fn attach(&mut self, id: NodeId, size: Size, pos: Pos) -> Result<(), InputError> {
        match self.stack.last_mut() {
            Some(open) => {
                open.children.push(id);
                open.size.add(size);
                Ok(())
            }
            None if self.root.is_none() => {
                self.root = Some(id);
                Ok(())
            }
            None => Err(self.error_at(pos, "found a second root node in one document".to_owned())),
        }
    }

    fn close(&mut self) -> Result<(), InputError> {
        let Some(open) = self.stack.pop() else {
            return Ok(());
        };
        let value = match &self.nodes[open.id].value {
            Value::Seq(_) => Value::Seq(open.children),
            _ => {
                let entries: Vec<(NodeId, NodeId)> = open
                    .children
                    .chunks(2)
                    .filter_map(|pair| match pair {
                        [k, v] => Some((*k, *v)),
                        _ => None,
                    })
                    .collect();
                self.check_duplicate_keys(&entries)?;
                Value::Map(entries)
            }
        };
        self.nodes[open.id].value = value;
        self.sizes[open.id] = open.size;
        let pos = self.nodes[open.id].pos;
        self.attach(open.id, open.size, pos)
    }

    fn check_duplicate_keys(&self, entries: &[(NodeId, NodeId)]) -> Result<(), InputError> {
        let mut keys: Vec<(&str, NodeId)> = entries
            .iter()
            .filter_map(|&(key, _)| match &self.nodes[key].value {
                Value::Scalar(s) => Some((s.text.as_str(), key)),
                _ => None,
            })
            .collect();
        keys.sort_unstable();
        // Of the repeated keys, report the first repetition in the input.
        let repeated = keys
            .windows(2)
            .filter(|pair| pair[0].0 == pair[1].0)
            .map(|pair| pair[1])
            .min_by_key(|&(_, node)| node);
        match repeated {
            Some((text, node)) => Err(self.error_at(
                self.nodes[node].pos,
                format!("key {} already set in map", Quoted(text)),
            )),
            None => Ok(()),
        }
    }

    fn finish_document(&mut self) {
        let nodes = std::mem::take(&mut self.nodes);
        self.documents.push(Document {
            number: self.documents.len() + 1,
            pos: self.doc_pos,
            bytes: std::mem::take(&mut self.doc_bytes),
            nodes,
            root: self.root.take(),
        });
        self.sizes.clear();
        self.stack.clear();
        self.anchors.clear();
        self.alias_added = Size::default();
    }
}

/// Turns the parser's character indices into byte offsets. It only moves forward (so that the
/// whole input is walked once): asked for an index behind it, it answers with where it is, which
/// is off by no more than the parser's events ever step back, a token or two.
#[derive(Default)]
struct ByteCursor {
    chars: usize,
    bytes: usize,
}

impl ByteCursor {
    /// The byte offset in `text` of character `index`, or of the furthest character reached so
    /// far.
    fn advance_to(&mut self, text: &str, index: usize) -> usize {
        for c in text[self.bytes..].chars() {
            if self.chars >= index {
                break;
            }
            self.bytes += c.len_utf8();
            self.chars += 1;
        }
        self.bytes
    }
}
