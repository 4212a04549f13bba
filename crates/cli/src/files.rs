//! Reading the files named on the command line.

use portband_kube::{read_sent, Input, Mode};
use std::io::Read;

/// A file's name as printed in messages (`<stdin>` for `-`) and what it holds.
pub struct Loaded {
    /// The name to print.
    pub name: String,
    /// The input it holds.
    pub input: Input,
}

/// Reads and parses every file, the objects of plain manifests sent as `mode` says; on the first
/// failure prints `file:line:col: error: …` and returns `None`.
pub fn load(files: &[String], mode: Mode) -> Option<Vec<Loaded>> {
    let mut loaded = Vec::with_capacity(files.len());
    for file in files {
        let name = if file == "-" {
            "<stdin>".to_owned()
        } else {
            file.clone()
        };
        let text = if file == "-" {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text).map(|_| text)
        } else {
            std::fs::read_to_string(file)
        };
        let text = match text {
            Ok(text) => text,
            Err(e) => {
                eprintln!("portband: {name}: {e}");
                return None;
            }
        };
        match read_sent(&text, mode) {
            Ok(input) => loaded.push(Loaded { name, input }),
            Err(e) => {
                eprintln!(
                    "{name}:{}:{}: error: {} (document {})",
                    e.pos.line, e.pos.column, e.message, e.document
                );
                return None;
            }
        }
    }
    Some(loaded)
}
