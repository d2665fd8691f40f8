//! Several inventories read as one, for joint procurement: the offices that buy a tool together
//! are ranked, selected and costed together, and every process keeps the name of its inventory.
//!
//! Each inventory is read and validated on its own (errors name its file). Its name is the
//! file name without extension; a process's id becomes `NAME:ID`, so ids stay unique across
//! inventories and a scenario names a process exactly as the output shows it.

use super::{Inventory, Keep, ReadOptions, read_path};
use crate::error::{Error, Result};
use crate::pareto::Sum;
use crate::provenance::Fingerprint;
use serde::Serialize;
use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

/// One of the inventories of a joint run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Part {
    /// The name its processes carry (the `inventory` column).
    pub name: String,
    /// The file as given.
    pub source: String,
    pub encoding: String,
    /// Data rows in the file.
    pub rows: usize,
    /// Hours of all its rows.
    pub total_hours: f64,
    /// Size and SHA-256 of the file, when read with them.
    pub fingerprint: Option<Fingerprint>,
}

/// Reads one inventory, or several as one (see the module documentation).
pub fn read_paths(paths: &[String], options: &ReadOptions) -> Result<Inventory> {
    if let [path] = paths {
        return read_path(path, options);
    }
    if paths.iter().filter(|p| *p == "-").count() > 1 {
        return Err(Error::Usage(
            "standard input (-) can be given as one inventory only".into(),
        ));
    }
    let names = names(paths);
    let mut parts = Vec::with_capacity(paths.len());
    for (path, name) in paths.iter().zip(&names) {
        let one = ReadOptions {
            keep: keep_for(&options.keep, name),
            block_size: options.block_size,
            progress: options.progress,
            fingerprint: options.fingerprint,
            names: options.names,
            sheet: options.sheet.clone(),
            // Joined processes are renamed in memory: a joint run keeps them there.
            spill_after: None,
        };
        parts.push(read_path(path, &one)?);
    }
    Ok(join(paths, &names, parts))
}

/// The name of each inventory: its file name without extension (`stdin` for `-`), made
/// unique with `-2`, `-3`... when two files share a name.
pub fn names(paths: &[String]) -> Vec<String> {
    let mut taken: HashSet<String> = HashSet::new();
    paths
        .iter()
        .map(|path| {
            let stem = match path.as_str() {
                "-" => "stdin".to_string(),
                _ => Path::new(path)
                    .file_stem()
                    .map_or_else(|| path.clone(), |s| s.to_string_lossy().into_owned()),
            };
            let name = match taken.contains(&stem) {
                false => stem,
                true => (2..)
                    .map(|k| format!("{stem}-{k}"))
                    .find(|n| !taken.contains(n))
                    .unwrap_or(stem),
            };
            taken.insert(name.clone());
            name
        })
        .collect()
}

/// What to keep of inventory `name`: the scenario names its processes as `NAME:ID`.
fn keep_for(keep: &Keep, name: &str) -> Keep {
    match keep {
        Keep::All => Keep::All,
        // Each inventory's reading finds its own.
        Keep::Repeated(repeated) => Keep::Repeated(repeated.clone()),
        Keep::Listed { floor, ids } => Keep::Listed {
            floor: *floor,
            ids: ids
                .iter()
                .filter_map(|id| id.strip_prefix(name)?.strip_prefix(':'))
                .map(str::to_string)
                .collect(),
        },
    }
}

/// The inventories as one, in the order given; each process's id is prefixed with its
/// inventory's name.
fn join(paths: &[String], names: &[String], inventories: Vec<Inventory>) -> Inventory {
    let mut joined = Inventory {
        source: paths.join(" + "),
        encoding: inventories[0].encoding,
        processes: Vec::with_capacity(inventories.iter().map(|i| i.processes.len()).sum()),
        spilled: None,
        rows: 0,
        total_hours: 0.0,
        departments: Some(0),
        tasks: Some(0),
        skipped_empty: 0,
        warnings: Vec::new(),
        fingerprint: None,
        parts: Vec::with_capacity(inventories.len()),
    };
    let mut hours = Sum::default();
    for (name, inventory) in names.iter().zip(inventories) {
        let tag: Arc<str> = Arc::from(name.as_str());
        let mut id = String::new();
        for mut p in inventory.processes {
            id.clear();
            id.extend([name.as_str(), ":", p.id()]);
            p.texts = p.texts.with_id(&id);
            p.inventory = Some(tag.clone());
            joined.processes.push(p);
        }
        hours.add(inventory.total_hours);
        joined.rows += inventory.rows;
        // Departments of different offices are different departments.
        joined.departments = joined
            .departments
            .zip(inventory.departments)
            .map(|(a, b)| a + b);
        joined.tasks = joined.tasks.zip(inventory.tasks).map(|(a, b)| a + b);
        joined.skipped_empty += inventory.skipped_empty;
        joined.warnings.extend(inventory.warnings);
        joined.parts.push(Part {
            name: name.clone(),
            source: inventory.source,
            encoding: inventory.encoding.name().to_string(),
            rows: inventory.rows,
            total_hours: inventory.total_hours,
            fingerprint: inventory.fingerprint,
        });
    }
    joined.total_hours = hours.value();
    joined
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_file_stems_made_unique() {
        let paths = ["a/kagoshima.csv", "b/kagoshima.csv", "-", "x.y/kirishima"];
        let paths: Vec<String> = paths.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            names(&paths),
            ["kagoshima", "kagoshima-2", "stdin", "kirishima"]
        );
    }

    #[test]
    fn a_scenario_id_is_kept_by_its_own_inventory_only() {
        let ids = ["a:1", "b:1", "ab:2", "a:x:3"].map(String::from).into();
        let keep = Keep::Listed { floor: 10.0, ids };
        let Keep::Listed { ids, .. } = keep_for(&keep, "a") else {
            panic!("a listed keep stays listed");
        };
        let mut ids: Vec<String> = ids.into_iter().collect();
        ids.sort();
        assert_eq!(ids, ["1", "x:3"]);
    }
}
