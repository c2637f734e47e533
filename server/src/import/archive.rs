//! Zip archives as analysts receive them: unpacked safely into a private
//! temporary folder, then read like the files they hold.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use super::ImportError;

/// Refuse archives that would unpack to more than this (a zip bomb guard).
const MAX_UNPACKED_BYTES: u64 = 32 * 1024 * 1024 * 1024;

/// An unpacked archive; the folder goes when this is dropped.
pub struct Unpacked {
    _dir: tempfile::TempDir,
    /// The one layer found inside: a .shp, .geojson or .json file.
    pub layer: PathBuf,
}

pub fn unpack(zip_path: &Path) -> Result<Unpacked, ImportError> {
    let name = zip_path.display().to_string();
    let file = File::open(zip_path).map_err(|e| ImportError::file(format!("{name}: {e}")))?;
    let mut archive = zip::ZipArchive::new(file)
        .map_err(|e| ImportError::file(format!("{name} is not a readable zip archive: {e}")))?;
    // Check every entry before writing anything.
    let mut total = 0u64;
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|e| ImportError::file(format!("{name}: entry {}: {e}", i + 1)))?;
        if entry.enclosed_name().is_none() {
            return Err(ImportError::file(format!(
                "{name} holds an entry {:?} that points outside the archive (an absolute or ../ path): refusing the whole archive",
                entry.name()
            )));
        }
        total = total.saturating_add(entry.size());
    }
    if total > MAX_UNPACKED_BYTES {
        return Err(ImportError::file(format!(
            "{name} would unpack to {total} bytes, more than the {MAX_UNPACKED_BYTES} allowed"
        )));
    }
    let dir = tempfile::Builder::new()
        .prefix("sidelot-import-")
        .tempdir()
        .map_err(|e| ImportError::file(format!("cannot make a temporary folder: {e}")))?;
    let mut layers = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive
            .by_index(i)
            .map_err(|e| ImportError::file(format!("{name}: entry {}: {e}", i + 1)))?;
        let Some(rel) = entry.enclosed_name() else {
            continue;
        };
        if entry.is_dir() || rel.starts_with("__MACOSX") {
            continue;
        }
        let target = dir.path().join(&rel);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| ImportError::file(format!("cannot unpack {name}: {e}")))?;
        }
        let mut out = File::create(&target)
            .map_err(|e| ImportError::file(format!("cannot unpack {name}: {e}")))?;
        io::copy(&mut entry, &mut out).map_err(|e| {
            ImportError::file(format!("{name}: entry {:?} is damaged: {e}", rel.display()))
        })?;
        let ext = rel
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        if matches!(ext.as_deref(), Some("shp" | "geojson" | "json")) {
            layers.push(target);
        }
    }
    match layers.len() {
        1 => Ok(Unpacked {
            layer: layers.remove(0),
            _dir: dir,
        }),
        0 => Err(ImportError::file(format!(
            "{name} holds no .shp, .geojson or .json file"
        ))),
        _ => {
            let list: Vec<String> = layers
                .iter()
                .filter_map(|p| p.strip_prefix(dir.path()).ok())
                .map(|p| p.display().to_string())
                .collect();
            Err(ImportError::file(format!(
                "{name} holds several layers ({}): unpack it and import one at a time",
                list.join(", ")
            )))
        }
    }
}
