//! Reading the files named on the command line: `-` for standard input, files, and folders (their
//! `*.yaml`, `*.yml` and `*.json` files, recursively, in name order).

use portband_kube::{read_sent, Input, Mode};
use std::io::Read;
use std::path::Path;

/// A file's name as printed in messages (`<stdin>` for `-`) and what it holds.
pub struct Loaded {
    /// The name to print.
    pub name: String,
    /// The input it holds.
    pub input: Input,
}

/// The manifest files of folder `dir`, recursively, in name order.
fn manifests_in(dir: &Path, found: &mut Vec<String>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    entries.sort();
    for path in entries {
        if path.is_dir() {
            manifests_in(&path, found)?;
        } else if path
            .extension()
            .is_some_and(|ext| ext == "yaml" || ext == "yml" || ext == "json")
        {
            found.push(path.to_string_lossy().into_owned());
        }
    }
    Ok(())
}

/// Whether a reading error says the file is no Kubernetes manifest at all (Helm values, a config
/// file): such a file found in a folder is skipped with a note.
fn not_a_manifest(message: &str) -> bool {
    message.starts_with("Object '") || message.starts_with("expected a Kubernetes object")
}

/// Reads and parses every file (a folder: its manifest files), the objects of plain manifests sent
/// as `mode` says; on the first failure prints `file:line:col: error: …` and returns `None`.
pub fn load(arguments: &[String], mode: Mode) -> Option<Vec<Loaded>> {
    let mut files = Vec::with_capacity(arguments.len());
    for argument in arguments {
        let path = Path::new(argument);
        if argument != "-" && path.is_dir() {
            let mut found = Vec::new();
            if let Err(e) = manifests_in(path, &mut found) {
                eprintln!("portband: {argument}: {e}");
                return None;
            }
            files.extend(found.into_iter().map(|file| (file, true)));
        } else {
            files.push((argument.clone(), false));
        }
    }
    let mut loaded = Vec::with_capacity(files.len());
    for (file, in_folder) in &files {
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
            Err(e) if *in_folder && not_a_manifest(&e.message) => {
                eprintln!(
                    "portband: {name}: skipped, not a Kubernetes manifest ({})",
                    e.message
                );
            }
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
