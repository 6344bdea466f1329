//! Imports run one way: the enforced import rule of the server
//! (`server/src`) and the app (`app/src`).
//!
//! Each crate's modules sit in layers (the tables just below); a module may
//! import its own layer and the layers below it, never one above. In a
//! layer of features, a feature uses another feature only through its
//! `actions` (where the crate's table says so), and no modules import each
//! other in a circle. The test reads the sources (std only, no compiler):
//! `use` trees, inline `crate::`/`super::`/`self::` paths and paths through
//! names bound by `use` and `mod`, with comments and string literals left
//! out; each reference resolves to the longest module path that is a file.
//!
//! To list a crate's circles and upward imports without failing:
//! `cargo test -p hackboard-tests --test suite architecture -- --ignored --nocapture`.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::fs;
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------
// The tables. Lower rank = higher layer. A module is in the layer of the
// longest prefix (whole path segments) that matches it; "" is the crate root
// only (lib.rs, main.rs).
// ---------------------------------------------------------------------------

/// The features, the same in both crates.
const FEATURES: &[&str] = &[
    "accounts",
    "events",
    "registrations",
    "teams",
    "submissions",
    "eligibility",
    "likes",
    "credits",
    "judging",
    "announcements",
    "dashboard",
];

const SERVER: CrateRules = CrateRules {
    src: "server/src",
    crate_name: "hackboard",
    layers: &[
        Layer::new(0, "entry", &["", "cli"]),
        Layer::new(1, "http", &["http"]),
        Layer::features(2, "features", FEATURES),
        Layer::new(3, "web", &["web"]),
        Layer::new(4, "state", &["state"]),
        Layer::new(5, "jobs", &["jobs"]),
        Layer::new(6, "auth", &["auth"]),
        Layer::new(
            7,
            "platform",
            &[
                "store",
                "config",
                "mail",
                "markdown",
                "assets",
                "telemetry",
                "repo_facts",
            ],
        ),
    ],
    cross_feature: CrossFeature::OnlyThroughActions,
    forbidden_crates: &[ForbiddenCrate {
        from_rank: 4,
        krate: "hackboard_app",
    }],
};

const APP: CrateRules = CrateRules {
    src: "app/src",
    crate_name: "hackboard_app",
    layers: &[
        Layer::new(0, "entry", &["", "app", "shell"]),
        Layer::features(1, "features", FEATURES),
        Layer::new(2, "ui", &["ui"]),
        Layer::new(3, "port", &["port"]),
        Layer::new(4, "wire", &["wire"]),
    ],
    cross_feature: CrossFeature::Free,
    forbidden_crates: &[],
};

/// Where the rule is explained; every violation points there.
const SEE: &str = "see docs/architecture.md";

// ---------------------------------------------------------------------------
// The rule data types.
// ---------------------------------------------------------------------------

struct CrateRules {
    /// The crate's sources, relative to the workspace root (also how files
    /// are named in the messages).
    src: &'static str,
    /// The crate's name in paths (`hackboard::cli` in main.rs is the crate).
    crate_name: &'static str,
    layers: &'static [Layer],
    cross_feature: CrossFeature,
    forbidden_crates: &'static [ForbiddenCrate],
}

struct Layer {
    rank: u32,
    name: &'static str,
    prefixes: &'static [&'static str],
    /// Each prefix is a feature (see `CrossFeature`).
    features: bool,
}

impl Layer {
    const fn new(rank: u32, name: &'static str, prefixes: &'static [&'static str]) -> Layer {
        Layer {
            rank,
            name,
            prefixes,
            features: false,
        }
    }

    const fn features(rank: u32, name: &'static str, prefixes: &'static [&'static str]) -> Layer {
        Layer {
            rank,
            name,
            prefixes,
            features: true,
        }
    }
}

/// How a feature may use another feature (circles are forbidden either way).
enum CrossFeature {
    /// Only through `<feature>::actions` (and what is under it).
    OnlyThroughActions,
    Free,
}

/// Modules of rank `from_rank` or lower layers may not use `krate`.
struct ForbiddenCrate {
    from_rank: u32,
    krate: &'static str,
}

// ---------------------------------------------------------------------------
// The checker.
// ---------------------------------------------------------------------------

/// Every violation of `rules` in the crate whose sources are at `root`, one
/// message each: modules in no layer, upward imports, imports across
/// features, forbidden crates, circles.
fn check(root: &Path, rules: &CrateRules) -> Vec<String> {
    let krate = read_crate(root, rules);
    let mut out = Vec::new();
    for file in &krate.files {
        if layer_of(rules, &file.module).is_none() {
            out.push(format!(
                "{}/{} is in no layer: add it to the table in tests/tests/suite/architecture.rs",
                rules.src, file.rel
            ));
        }
    }
    out.extend(
        krate
            .refs
            .iter()
            .filter_map(|r| violation(rules, &krate, r))
            .map(|(_, message)| message),
    );
    out.extend(circles(rules, &krate));
    out
}

/// Prints (does not fail on) the circles and the upward imports of the crate
/// at `root`.
fn print_module_graph(root: &Path, rules: &CrateRules) {
    let krate = read_crate(root, rules);
    let edges: BTreeSet<(usize, usize)> = krate
        .refs
        .iter()
        .filter_map(|r| match r.to {
            Target::Module(to) => Some((r.from, to)),
            Target::Crate(_) => None,
        })
        .collect();
    println!(
        "{}: {} modules, {} imports between modules",
        rules.src,
        krate.files.len(),
        edges.len()
    );
    let upward: Vec<String> = krate
        .refs
        .iter()
        .filter_map(|r| violation(rules, &krate, r))
        .filter(|(kind, _)| *kind == Violation::Upward)
        .map(|(_, message)| message)
        .collect();
    println!("upward imports ({}):", upward.len());
    for line in &upward {
        println!("  {line}");
    }
    let circles = circles(rules, &krate);
    println!("circles ({}):", circles.len());
    for line in &circles {
        println!("  {line}");
    }
    println!();
}

type ModPath = Vec<String>;

struct SourceFile {
    /// Relative to the crate's `src/`, with `/`: `teams/actions.rs`.
    rel: String,
    /// `teams::actions`; empty for lib.rs and main.rs.
    module: ModPath,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Target {
    /// Another module of the crate (an index into `Crate::files`).
    Module(usize),
    /// Another crate, by the name paths use.
    Crate(String),
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Reference {
    from: usize,
    line: usize,
    to: Target,
}

struct Crate {
    files: Vec<SourceFile>,
    /// Sorted by file and line, one per (file, line, target).
    refs: Vec<Reference>,
}

impl Crate {
    fn name(&self, file: usize) -> String {
        module_name(&self.files[file])
    }
}

fn module_name(file: &SourceFile) -> String {
    if !file.module.is_empty() {
        file.module.join("::")
    } else if file.rel == "main.rs" {
        "crate (main.rs)".to_owned()
    } else {
        "crate".to_owned()
    }
}

fn read_crate(root: &Path, rules: &CrateRules) -> Crate {
    let mut paths = Vec::new();
    collect_rs_files(root, &mut paths);
    let mut files: Vec<SourceFile> = paths
        .iter()
        .map(|path| {
            let rel = path
                .strip_prefix(root)
                .expect("under the root")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            let module = module_path_of(&rel);
            SourceFile { rel, module }
        })
        .collect();
    files.sort_by(|a, b| a.rel.cmp(&b.rel));

    // The crate root is lib.rs when there is one (main.rs then uses it).
    let mut modules: HashMap<ModPath, usize> = HashMap::new();
    for (index, file) in files.iter().enumerate() {
        if file.rel != "lib.rs" {
            modules.entry(file.module.clone()).or_insert(index);
        }
    }
    if let Some(lib) = files.iter().position(|f| f.rel == "lib.rs") {
        modules.insert(Vec::new(), lib);
    }

    let mut refs = BTreeSet::new();
    for (index, file) in files.iter().enumerate() {
        let source = fs::read_to_string(root.join(&file.rel))
            .unwrap_or_else(|e| panic!("cannot read {}/{}: {e}", rules.src, file.rel));
        let parsed = parse_file(&lex(&source), &file.module);
        let target = |resolved: Resolved| match resolved {
            Resolved::Local(path) => longest_module(&modules, &path).map(Target::Module),
            Resolved::External(name) => Some(Target::Crate(name)),
        };
        for (line, resolved, through_use) in parsed.references(rules) {
            let Some(to) = target(resolved) else { continue };
            if to == Target::Module(index) || through_use.and_then(target) == Some(to.clone()) {
                continue;
            }
            refs.insert(Reference {
                from: index,
                line,
                to,
            });
        }
    }
    Crate {
        files,
        refs: refs.into_iter().collect(),
    }
}

fn collect_rs_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries =
        fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            collect_rs_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `teams/actions.rs` → `teams::actions`, `teams/mod.rs` → `teams`,
/// `lib.rs` and `main.rs` → the root.
fn module_path_of(rel: &str) -> ModPath {
    if rel == "lib.rs" || rel == "main.rs" {
        return Vec::new();
    }
    let mut segments: ModPath = rel.split('/').map(str::to_owned).collect();
    let last = segments.pop().unwrap_or_default();
    let stem = last.strip_suffix(".rs").unwrap_or(&last);
    if stem != "mod" {
        segments.push(stem.to_owned());
    }
    segments
}

fn longest_module(modules: &HashMap<ModPath, usize>, path: &[String]) -> Option<usize> {
    (0..=path.len())
        .rev()
        .find_map(|n| modules.get(&path[..n]).copied())
}

/// The layer of `module` and the prefix that put it there (for a feature:
/// the feature).
fn layer_of<'r>(rules: &'r CrateRules, module: &[String]) -> Option<(&'r Layer, ModPath)> {
    let mut best: Option<(&Layer, ModPath)> = None;
    for layer in rules.layers {
        for prefix in layer.prefixes {
            let prefix: ModPath = if prefix.is_empty() {
                Vec::new()
            } else {
                prefix.split("::").map(str::to_owned).collect()
            };
            let matches = if prefix.is_empty() {
                module.is_empty()
            } else {
                module.starts_with(&prefix)
            };
            let longer = best.as_ref().is_none_or(|(_, p)| prefix.len() > p.len());
            if matches && longer {
                best = Some((layer, prefix));
            }
        }
    }
    best
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Violation {
    Upward,
    AcrossFeatures,
    ForbiddenCrate,
}

fn violation(rules: &CrateRules, krate: &Crate, r: &Reference) -> Option<(Violation, String)> {
    let from = &krate.files[r.from];
    let (from_layer, from_prefix) = layer_of(rules, &from.module)?;
    let at = format!("{}/{}:{}", rules.src, from.rel, r.line);
    let from_name = krate.name(r.from);
    match &r.to {
        Target::Module(to) => {
            let (to_layer, to_prefix) = layer_of(rules, &krate.files[*to].module)?;
            let to_name = krate.name(*to);
            if from_layer.rank > to_layer.rank {
                return Some((
                    Violation::Upward,
                    format!(
                        "{at}: {from_name} (layer {}) imports {to_name} (layer {}): imports run one way, {SEE}",
                        from_layer.name, to_layer.name
                    ),
                ));
            }
            let across = from_layer.rank == to_layer.rank
                && from_layer.features
                && from_prefix != to_prefix
                && matches!(rules.cross_feature, CrossFeature::OnlyThroughActions);
            let mut actions = to_prefix.clone();
            actions.push("actions".to_owned());
            if across && !krate.files[*to].module.starts_with(&actions) {
                return Some((
                    Violation::AcrossFeatures,
                    format!(
                        "{at}: {from_name} (feature {}) imports {to_name} (feature {}): features use each other only through their actions ({}), {SEE}",
                        from_prefix.join("::"),
                        to_prefix.join("::"),
                        actions.join("::")
                    ),
                ));
            }
            None
        }
        Target::Crate(name) => rules
            .forbidden_crates
            .iter()
            .find(|f| f.krate == name && from_layer.rank >= f.from_rank)
            .map(|f| {
                (
                    Violation::ForbiddenCrate,
                    format!(
                        "{at}: {from_name} (layer {}) uses {}: layer {} may not use {}, {SEE}",
                        from_layer.name, f.krate, from_layer.name, f.krate
                    ),
                )
            }),
    }
}

/// Every circle: for each strongly connected component of more than one
/// module, shortest circles until each of its modules is in one, with the
/// line of each import (the first, where a module imports another twice).
fn circles(rules: &CrateRules, krate: &Crate) -> Vec<String> {
    let mut edges: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for r in &krate.refs {
        // A child naming its parent (`use super::Store`) is how a module
        // shares its front with its parts, not a circle between modules.
        if let Target::Module(to) = r.to
            && !is_ancestor(&krate.files[to].module, &krate.files[r.from].module)
        {
            edges.entry((r.from, to)).or_insert(r.line);
        }
    }
    let mut successors = vec![Vec::new(); krate.files.len()];
    for &(from, to) in edges.keys() {
        successors[from].push(to);
    }
    let mut components = strongly_connected(&successors);
    components.retain(|c| c.len() > 1);
    for component in &mut components {
        component.sort_by_key(|&m| krate.name(m));
    }
    components.sort_by_key(|c| krate.name(c[0]));

    let mut out = Vec::new();
    for component in components {
        let members: BTreeSet<usize> = component.iter().copied().collect();
        let mut covered = BTreeSet::new();
        let mut seen = BTreeSet::new();
        for &start in &component {
            if covered.contains(&start) {
                continue;
            }
            let circle = shortest_circle(&successors, &members, start);
            covered.extend(circle.iter().copied());
            let mut canonical = circle.clone();
            let min = (0..canonical.len())
                .min_by_key(|&i| canonical[i])
                .unwrap_or(0);
            canonical.rotate_left(min);
            if !seen.insert(canonical) {
                continue;
            }
            let mut names: Vec<String> = circle.iter().map(|&m| krate.name(m)).collect();
            names.push(krate.name(start));
            let lines: Vec<String> = (0..circle.len())
                .map(|i| {
                    let (from, to) = (circle[i], circle[(i + 1) % circle.len()]);
                    format!(
                        "{}/{}:{}",
                        rules.src,
                        krate.files[from].rel,
                        edges[&(from, to)]
                    )
                })
                .collect();
            out.push(format!(
                "circle: {} [{}]",
                names.join(" -> "),
                lines.join(", ")
            ));
        }
    }
    out
}

/// Whether `ancestor` is a proper ancestor of `module` (the crate root is
/// every module's).
fn is_ancestor(ancestor: &[String], module: &[String]) -> bool {
    ancestor.len() < module.len() && module.starts_with(ancestor)
}

/// Tarjan's strongly connected components.
fn strongly_connected(successors: &[Vec<usize>]) -> Vec<Vec<usize>> {
    struct Tarjan<'g> {
        successors: &'g [Vec<usize>],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        components: Vec<Vec<usize>>,
    }

    impl Tarjan<'_> {
        fn visit(&mut self, v: usize) {
            self.index[v] = Some(self.next);
            self.low[v] = self.next;
            self.next += 1;
            self.stack.push(v);
            self.on_stack[v] = true;
            let successors = self.successors;
            for &w in &successors[v] {
                match self.index[w] {
                    None => {
                        self.visit(w);
                        self.low[v] = self.low[v].min(self.low[w]);
                    }
                    Some(index) if self.on_stack[w] => self.low[v] = self.low[v].min(index),
                    Some(_) => {}
                }
            }
            if Some(self.low[v]) == self.index[v] {
                let mut component = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                self.components.push(component);
            }
        }
    }

    let n = successors.len();
    let mut tarjan = Tarjan {
        successors,
        index: vec![None; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        next: 0,
        components: Vec::new(),
    };
    for v in 0..n {
        if tarjan.index[v].is_none() {
            tarjan.visit(v);
        }
    }
    tarjan.components
}

/// The shortest circle from `start` back to it inside `members` (which
/// are strongly connected): `[start, …, last]`, `last` importing `start`.
fn shortest_circle(
    successors: &[Vec<usize>],
    members: &BTreeSet<usize>,
    start: usize,
) -> Vec<usize> {
    let mut parent: HashMap<usize, usize> = HashMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(v) = queue.pop_front() {
        for &w in &successors[v] {
            if !members.contains(&w) {
                continue;
            }
            if w == start {
                let mut path = vec![v];
                let mut at = v;
                while at != start {
                    at = parent[&at];
                    path.push(at);
                }
                path.reverse();
                return path;
            }
            if let std::collections::hash_map::Entry::Vacant(e) = parent.entry(w) {
                e.insert(v);
                queue.push_back(w);
            }
        }
    }
    vec![start]
}

// ---------------------------------------------------------------------------
// Reading a file: tokens without comments and literals, then `use` trees,
// `mod` declarations and paths.
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Ident(String),
    /// `::`
    PathSep,
    Punct(char),
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    line: usize,
}

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_ident_continue(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// Identifiers, `::` and punctuation with their lines; comments, string,
/// character and number literals and lifetimes are left out.
fn lex(source: &str) -> Vec<Token> {
    let c: Vec<char> = source.chars().collect();
    let at = |i: usize| c.get(i).copied().unwrap_or('\0');
    let mut tokens = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        if ch == '\n' {
            line += 1;
            i += 1;
        } else if ch.is_whitespace() {
            i += 1;
        } else if ch == '/' && at(i + 1) == '/' {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && at(i + 1) == '*' {
            // Block comments nest.
            let mut depth = 0usize;
            while i < c.len() {
                if c[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if c[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
        } else if ch == '"' {
            i = skip_quoted(&c, i + 1, &mut line);
        } else if ch == '\'' {
            if at(i + 1) == '\\' {
                // '\n', '\'', '\u{1F600}'
                i += 3;
                while i < c.len() && c[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(i + 2) == '\'' {
                // 'a', '"', '{'
                i += 3;
            } else {
                // A lifetime or a label: its name is read as an identifier.
                i += 1;
            }
        } else if is_ident_start(ch) {
            let start = i;
            while i < c.len() && is_ident_continue(c[i]) {
                i += 1;
            }
            let word: String = c[start..i].iter().collect();
            if matches!(word.as_str(), "r" | "br" | "cr") {
                let mut hashes = 0;
                while at(i + hashes) == '#' {
                    hashes += 1;
                }
                if at(i + hashes) == '"' {
                    i = skip_raw(&c, i + hashes + 1, hashes, &mut line);
                    continue;
                }
                if word == "r" && hashes == 1 && is_ident_start(at(i + 1)) {
                    // A raw identifier: r#type.
                    let start = i + 1;
                    i = start;
                    while i < c.len() && is_ident_continue(c[i]) {
                        i += 1;
                    }
                    tokens.push(Token {
                        tok: Tok::Ident(c[start..i].iter().collect()),
                        line,
                    });
                    continue;
                }
            }
            if matches!(word.as_str(), "b" | "c") && matches!(at(i), '"' | '\'') {
                // b"bytes", c"text", b'x': the literal is skipped next.
                continue;
            }
            tokens.push(Token {
                tok: Tok::Ident(word),
                line,
            });
        } else if ch.is_ascii_digit() {
            while i < c.len() && is_ident_continue(c[i]) {
                i += 1;
            }
        } else if ch == ':' && at(i + 1) == ':' {
            tokens.push(Token {
                tok: Tok::PathSep,
                line,
            });
            i += 2;
        } else {
            tokens.push(Token {
                tok: Tok::Punct(ch),
                line,
            });
            i += 1;
        }
    }
    tokens
}

/// Skips a quoted literal from just after its opening `"`.
fn skip_quoted(c: &[char], mut i: usize, line: &mut usize) -> usize {
    while i < c.len() {
        match c[i] {
            '\\' => {
                if c.get(i + 1) == Some(&'\n') {
                    *line += 1;
                }
                i += 2;
            }
            '"' => return i + 1,
            '\n' => {
                *line += 1;
                i += 1;
            }
            _ => i += 1,
        }
    }
    i
}

/// Skips a raw literal from just after its opening `"` to its `"###`.
fn skip_raw(c: &[char], mut i: usize, hashes: usize, line: &mut usize) -> usize {
    while i < c.len() {
        if c[i] == '"' && (1..=hashes).all(|k| c.get(i + k) == Some(&'#')) {
            return i + 1 + hashes;
        }
        if c[i] == '\n' {
            *line += 1;
        }
        i += 1;
    }
    i
}

/// A path in a file, with the module it is written in (the file's module
/// and the inline modules around it).
#[derive(Debug, Clone)]
struct WrittenPath {
    path: Vec<String>,
    line: usize,
    scope: ModPath,
}

/// A name bound in a file by `use` (or `mod x;`), to the path it stands for.
#[derive(Debug, Clone)]
struct Binding {
    path: WrittenPath,
    /// Bound by `mod x;`: the declaration is no import, a use of `x::…` is.
    by_mod: bool,
}

#[derive(Debug, Default)]
struct ParsedFile {
    /// The leaves of the `use` trees (a glob names its module).
    uses: Vec<WrittenPath>,
    /// Paths outside `use` (`a::b…`, not preceded by `::`).
    paths: Vec<WrittenPath>,
    bindings: HashMap<String, Binding>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Resolved {
    /// An absolute path in the crate (the module is its longest prefix
    /// that is a file).
    Local(ModPath),
    /// A path into another crate (or an item this reader cannot place).
    External(String),
}

fn ident(tokens: &[Token], i: usize) -> Option<&str> {
    match tokens.get(i).map(|t| &t.tok) {
        Some(Tok::Ident(name)) => Some(name),
        _ => None,
    }
}

fn is(tokens: &[Token], i: usize, tok: &Tok) -> bool {
    tokens.get(i).is_some_and(|t| &t.tok == tok)
}

fn parse_file(tokens: &[Token], module: &[String]) -> ParsedFile {
    let mut parsed = ParsedFile::default();
    // The inline modules (`mod tests { … }`) around, with the brace depth
    // they were opened at.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let scope = |inline: &[(String, usize)]| -> ModPath {
        let mut scope = module.to_vec();
        scope.extend(inline.iter().map(|(name, _)| name.clone()));
        scope
    };
    let mut i = 0;
    while i < tokens.len() {
        let after_sep = i > 0 && is(tokens, i - 1, &Tok::PathSep);
        match &tokens[i].tok {
            Tok::Punct('{') => depth += 1,
            Tok::Punct('}') => {
                depth = depth.saturating_sub(1);
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
            }
            Tok::Ident(word)
                if word == "use" && !after_sep && !is(tokens, i + 1, &Tok::Punct('<')) =>
            {
                let here = scope(&inline);
                let mut leaves = Vec::new();
                let mut j = i + 1;
                parse_use_tree(tokens, &mut j, &[], &mut leaves);
                for (path, line, bound) in leaves {
                    let written = WrittenPath {
                        path,
                        line,
                        scope: here.clone(),
                    };
                    if let Some(name) = bound {
                        parsed.bindings.entry(name).or_insert(Binding {
                            path: written.clone(),
                            by_mod: false,
                        });
                    }
                    parsed.uses.push(written);
                }
                while j < tokens.len() && !is(tokens, j, &Tok::Punct(';')) {
                    j += 1;
                }
                i = j + 1;
                continue;
            }
            Tok::Ident(word) if word == "mod" && !after_sep => {
                if let Some(name) = ident(tokens, i + 1) {
                    if is(tokens, i + 2, &Tok::Punct(';')) {
                        let written = WrittenPath {
                            path: vec!["self".to_owned(), name.to_owned()],
                            line: tokens[i + 1].line,
                            scope: scope(&inline),
                        };
                        parsed.bindings.entry(name.to_owned()).or_insert(Binding {
                            path: written,
                            by_mod: true,
                        });
                    } else if is(tokens, i + 2, &Tok::Punct('{')) {
                        inline.push((name.to_owned(), depth));
                        depth += 1;
                        i += 3;
                        continue;
                    }
                }
            }
            Tok::Ident(word) if !after_sep && is(tokens, i + 1, &Tok::PathSep) => {
                // `pub(in crate::a)` is a visibility, not an import.
                let visibility = i >= 3
                    && ident(tokens, i - 1) == Some("in")
                    && is(tokens, i - 2, &Tok::Punct('('))
                    && ident(tokens, i - 3) == Some("pub");
                let mut path = vec![word.clone()];
                let mut j = i + 1;
                while is(tokens, j, &Tok::PathSep) {
                    match ident(tokens, j + 1) {
                        Some(next) => {
                            path.push(next.to_owned());
                            j += 2;
                        }
                        None => break,
                    }
                }
                if !visibility {
                    parsed.paths.push(WrittenPath {
                        path,
                        line: tokens[i].line,
                        scope: scope(&inline),
                    });
                }
                i = j;
                continue;
            }
            Tok::Ident(word)
                if word == "crate" && i > 0 && ident(tokens, i - 1) == Some("extern") =>
            {
                if let Some(name) = ident(tokens, i + 1) {
                    parsed.uses.push(WrittenPath {
                        path: vec![name.to_owned()],
                        line: tokens[i + 1].line,
                        scope: scope(&inline),
                    });
                }
            }
            _ => {}
        }
        i += 1;
    }
    parsed
}

/// Parses one use tree from `*i`, pushing each leaf's full path, line and
/// the name it binds (none for globs and `as _`).
fn parse_use_tree(
    tokens: &[Token],
    i: &mut usize,
    prefix: &[String],
    out: &mut Vec<(Vec<String>, usize, Option<String>)>,
) {
    let mut path = prefix.to_vec();
    if is(tokens, *i, &Tok::PathSep) {
        *i += 1;
    }
    loop {
        let Some(token) = tokens.get(*i) else { return };
        match &token.tok {
            Tok::Ident(name) => {
                *i += 1;
                if is(tokens, *i, &Tok::PathSep) {
                    path.push(name.clone());
                    *i += 1;
                    continue;
                }
                let mut bound = if name == "self" {
                    path.last().cloned()
                } else {
                    path.push(name.clone());
                    Some(name.clone())
                };
                if ident(tokens, *i) == Some("as") {
                    let alias = ident(tokens, *i + 1).map(str::to_owned);
                    *i += 2;
                    bound = alias.filter(|a| a != "_");
                }
                if !path.is_empty() {
                    out.push((path, token.line, bound));
                }
                return;
            }
            Tok::Punct('*') => {
                *i += 1;
                if !path.is_empty() {
                    out.push((path, token.line, None));
                }
                return;
            }
            Tok::Punct('{') => {
                *i += 1;
                while *i < tokens.len() {
                    if is(tokens, *i, &Tok::Punct('}')) {
                        *i += 1;
                        return;
                    }
                    if is(tokens, *i, &Tok::Punct(',')) {
                        *i += 1;
                        continue;
                    }
                    let before = *i;
                    parse_use_tree(tokens, i, &path, out);
                    if *i == before {
                        return;
                    }
                }
                return;
            }
            _ => return,
        }
    }
}

impl ParsedFile {
    /// The references this file makes, resolved: every `use` leaf, and every
    /// path through `crate`, `super`, `self`, the crate's own name, a
    /// forbidden crate or a name bound by `mod`. A path through a name bound
    /// by `use` comes with what that name resolves to: it counts only where
    /// it reaches another module than the `use` did.
    fn references(&self, rules: &CrateRules) -> Vec<(usize, Resolved, Option<Resolved>)> {
        let mut out = Vec::new();
        for used in &self.uses {
            if let Some(resolved) = self.resolve(&used.path, &used.scope, rules, 0) {
                out.push((used.line, resolved, None));
            }
        }
        for written in &self.paths {
            let first = written.path[0].as_str();
            let rooted = matches!(first, "crate" | "super" | "self")
                || first == rules.crate_name
                || rules.forbidden_crates.iter().any(|f| f.krate == first);
            let binding = self.bindings.get(first);
            if !rooted && binding.is_none() {
                continue;
            }
            let Some(resolved) = self.resolve(&written.path, &written.scope, rules, 0) else {
                continue;
            };
            let through_use = match binding {
                Some(binding) if !rooted && !binding.by_mod => {
                    match self.resolve(&binding.path.path, &binding.path.scope, rules, 0) {
                        Some(bound) => Some(bound),
                        None => continue,
                    }
                }
                _ => None,
            };
            out.push((written.line, resolved, through_use));
        }
        out
    }

    fn resolve(
        &self,
        path: &[String],
        scope: &[String],
        rules: &CrateRules,
        depth: usize,
    ) -> Option<Resolved> {
        let (first, rest) = path.split_first()?;
        let joined = |mut base: ModPath, rest: &[String]| {
            base.extend(rest.iter().cloned());
            Some(Resolved::Local(base))
        };
        match first.as_str() {
            "crate" => joined(Vec::new(), rest),
            name if name == rules.crate_name => joined(Vec::new(), rest),
            "self" => joined(scope.to_vec(), rest),
            "super" => {
                let mut base = scope.to_vec();
                let mut rest = path;
                while rest.first().is_some_and(|s| s == "super") {
                    base.pop()?;
                    rest = &rest[1..];
                }
                joined(base, rest)
            }
            name => match self.bindings.get(name) {
                Some(binding) if depth < 8 => {
                    match self.resolve(&binding.path.path, &binding.path.scope, rules, depth + 1)? {
                        Resolved::Local(base) => joined(base, rest),
                        external => Some(external),
                    }
                }
                _ => Some(Resolved::External(name.to_owned())),
            },
        }
    }
}

// ---------------------------------------------------------------------------
// The rule, on the real crates.
// ---------------------------------------------------------------------------

fn crate_root(rules: &CrateRules) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(rules.src)
}

fn assert_imports_run_one_way(rules: &CrateRules) {
    let violations = check(&crate_root(rules), rules);
    if !violations.is_empty() {
        panic!(
            "{} breaks the import rule ({} violations):\n{}",
            rules.src,
            violations.len(),
            violations.join("\n")
        );
    }
}

#[test]
fn server_imports_run_one_way() {
    assert_imports_run_one_way(&SERVER);
}

#[test]
fn app_imports_run_one_way() {
    assert_imports_run_one_way(&APP);
}

#[test]
#[ignore = "prints the module graphs' circles and upward imports; run with --ignored --nocapture"]
fn print_module_graph_cycles() {
    for rules in [&SERVER, &APP] {
        print_module_graph(&crate_root(rules), rules);
    }
}

// ---------------------------------------------------------------------------
// The checker, on small trees written for each test.
// ---------------------------------------------------------------------------

/// A crate's `src/` in a fresh temporary directory, removed on drop.
struct TempTree {
    root: PathBuf,
}

impl TempTree {
    fn new(files: &[(&str, &str)]) -> TempTree {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let root = std::env::temp_dir().join(format!(
            "hackboard-architecture-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&root);
        for (rel, text) in files {
            let path = root.join(rel);
            fs::create_dir_all(path.parent().expect("a parent")).expect("create the directory");
            fs::write(&path, text).expect("write the file");
        }
        TempTree { root }
    }
}

impl Drop for TempTree {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}

fn check_tree(rules: &CrateRules, files: &[(&str, &str)]) -> Vec<String> {
    let tree = TempTree::new(files);
    check(&tree.root, rules)
}

fn upward(at: &str, from: &str, from_layer: &str, to: &str, to_layer: &str) -> String {
    format!(
        "server/src/{at}: {from} (layer {from_layer}) imports {to} (layer {to_layer}): imports run one way, see docs/architecture.md"
    )
}

#[test]
fn an_upward_import_is_reported_with_its_file_and_line() {
    let violations = check_tree(
        &SERVER,
        &[
            ("lib.rs", "pub mod auth;\npub mod http;\npub mod store;\n"),
            ("http/mod.rs", "pub mod error;\n"),
            ("http/error.rs", "pub struct HttpError;\n"),
            ("store/mod.rs", "pub struct Store;\n"),
            (
                "auth.rs",
                "//! Sessions.\n\nuse crate::http::error::HttpError;\nuse crate::store::Store;\n",
            ),
        ],
    );
    assert_eq!(
        violations,
        [upward("auth.rs:3", "auth", "auth", "http::error", "http")]
    );
}

#[test]
fn a_grouped_use_is_resolved_leaf_by_leaf() {
    let violations = check_tree(
        &SERVER,
        &[
            ("lib.rs", "pub mod auth;\npub mod http;\npub mod store;\n"),
            ("http/mod.rs", "pub mod error;\n"),
            ("http/error.rs", "pub struct HttpError;\npub enum Kind {}\n"),
            ("store/mod.rs", "pub struct Store;\n"),
            (
                "auth.rs",
                "use crate::{\n    store::{self, Store},\n    http::{\n        error::{HttpError, Kind},\n        self,\n    },\n};\n",
            ),
        ],
    );
    assert_eq!(
        violations,
        [
            upward("auth.rs:4", "auth", "auth", "http::error", "http"),
            upward("auth.rs:5", "auth", "auth", "http", "http"),
        ]
    );
}

#[test]
fn super_is_resolved_against_the_module_it_is_written_in() {
    let violations = check_tree(
        &SERVER,
        &[
            ("lib.rs", "pub mod auth;\npub mod http;\npub mod store;\n"),
            ("auth.rs", "pub struct Session;\n"),
            ("http/mod.rs", "pub mod error;\n"),
            ("http/error.rs", "pub fn g() {}\n"),
            ("store/mod.rs", "pub mod teams;\npub struct Store;\n"),
            (
                "store/teams.rs",
                "use super::Store;\n\
                 use super::super::auth::Session;\n\
                 \n\
                 pub fn f() { super::super::http::error::g(); }\n\
                 \n\
                 #[cfg(test)]\n\
                 mod tests {\n\
                 \x20   use super::*;\n\
                 \x20   use super::super::Store as S;\n\
                 }\n",
            ),
        ],
    );
    assert_eq!(
        violations,
        [
            upward(
                "store/teams.rs:2",
                "store::teams",
                "platform",
                "auth",
                "auth"
            ),
            upward(
                "store/teams.rs:4",
                "store::teams",
                "platform",
                "http::error",
                "http"
            ),
        ]
    );
}

#[test]
fn imports_in_comments_and_string_literals_are_ignored() {
    let violations = check_tree(
        &SERVER,
        &[
            ("lib.rs", "pub mod auth;\npub mod http;\n"),
            ("http/mod.rs", "pub fn f(s: &str) -> &str { s }\n"),
            (
                "auth.rs",
                r##"//! crate::http is named in this doc comment only.
/// See crate::http::f.
// use crate::http;
/* use crate::http; /* nested */ crate::http::f("") */
pub fn f() -> (&'static str, char, char, &'static str, &'static [u8]) {
    let quote = '"';
    let brace = '{';
    let s = "use crate::http; \" crate::http::f()";
    let raw = r#"crate::http::f(" "# ;
    (s, quote, brace, raw, b"crate::http")
}
pub fn g<'a>(x: &'a str) -> &'a str { crate::http::f(x) }
"##,
            ),
        ],
    );
    assert_eq!(
        violations,
        [upward("auth.rs:12", "auth", "auth", "http", "http")]
    );
}

#[test]
fn another_features_actions_may_be_imported_but_not_its_views() {
    let violations = check_tree(
        &SERVER,
        &[
            ("likes/mod.rs", "pub mod actions;\npub mod views;\n"),
            ("likes/actions.rs", "pub fn like() {}\n"),
            ("likes/views.rs", "pub struct Gallery;\n"),
            ("teams/mod.rs", "pub mod actions;\npub mod views;\n"),
            ("teams/actions.rs", "pub fn join() {}\n"),
            (
                "teams/views.rs",
                "use crate::likes::actions::like;\nuse crate::likes::views::Gallery;\nuse crate::teams::actions::join;\nuse super::actions;\n",
            ),
        ],
    );
    assert_eq!(
        violations,
        [
            "server/src/teams/views.rs:2: teams::views (feature teams) imports likes::views (feature likes): features use each other only through their actions (likes::actions), see docs/architecture.md"
        ]
    );
}

#[test]
fn two_modules_importing_each_other_are_a_circle() {
    let violations = check_tree(
        &SERVER,
        &[
            (
                "config.rs",
                "use crate::mail::Mailer;\npub struct Config;\n",
            ),
            (
                "mail/mod.rs",
                "\nuse crate::config::Config;\npub struct Mailer;\n",
            ),
        ],
    );
    assert_eq!(
        violations,
        ["circle: config -> mail -> config [server/src/config.rs:1, server/src/mail/mod.rs:2]"]
    );
}

#[test]
fn module_declarations_are_not_imports() {
    let violations = check_tree(
        &SERVER,
        &[
            ("lib.rs", "pub mod store;\n"),
            (
                "store/mod.rs",
                "pub mod teams;\nmod outbox;\npub struct Store;\n",
            ),
            ("store/teams.rs", "use super::Store;\n"),
            ("store/outbox.rs", "use crate::store::Store;\n"),
        ],
    );
    assert_eq!(violations, Vec::<String>::new());
}

#[test]
fn a_child_using_its_parent_is_not_a_circle() {
    let violations = check_tree(
        &SERVER,
        &[
            (
                "http/mod.rs",
                "mod error;\npub struct State;\npub use error::HttpError;\n",
            ),
            (
                "http/error.rs",
                "use super::State;\npub struct HttpError;\n",
            ),
        ],
    );
    assert_eq!(violations, Vec::<String>::new());
}

#[test]
fn siblings_importing_each_other_through_their_parent_are_a_circle() {
    let violations = check_tree(
        &SERVER,
        &[
            ("http/mod.rs", "mod a;\nmod b;\n"),
            ("http/a.rs", "use super::b::B;\npub struct A;\n"),
            ("http/b.rs", "use super::a::A;\npub struct B;\n"),
        ],
    );
    assert_eq!(
        violations,
        ["circle: http::a -> http::b -> http::a [server/src/http/a.rs:1, server/src/http/b.rs:1]"]
    );
}

#[test]
fn a_module_in_no_layer_is_reported() {
    let violations = check_tree(
        &SERVER,
        &[("lib.rs", "pub mod foo;\n"), ("foo.rs", "pub fn f() {}\n")],
    );
    assert_eq!(
        violations,
        [
            "server/src/foo.rs is in no layer: add it to the table in tests/tests/suite/architecture.rs"
        ]
    );
}

#[test]
fn a_state_module_using_the_app_crate_is_reported() {
    let violations = check_tree(
        &SERVER,
        &[
            (
                "state.rs",
                "use hackboard_app::wire::Team;\npub fn f() -> Team { hackboard_app::wire::team() }\n",
            ),
            ("web.rs", "use hackboard_app::wire::Team;\n"),
        ],
    );
    let uses = |line: usize| {
        format!(
            "server/src/state.rs:{line}: state (layer state) uses hackboard_app: layer state may not use hackboard_app, see docs/architecture.md"
        )
    };
    assert_eq!(violations, [uses(1), uses(2)]);
}

#[test]
fn a_path_through_a_used_module_is_resolved_to_the_module_it_reaches() {
    let violations = check_tree(
        &SERVER,
        &[
            ("lib.rs", "pub mod auth;\npub mod http;\n"),
            ("http/mod.rs", "pub mod error;\n"),
            ("http/error.rs", "pub fn g() {}\n"),
            (
                "auth.rs",
                "use crate::http;\n\npub fn f() { http::error::g() }\n",
            ),
        ],
    );
    assert_eq!(
        violations,
        [
            upward("auth.rs:1", "auth", "auth", "http", "http"),
            upward("auth.rs:3", "auth", "auth", "http::error", "http"),
        ]
    );
}

#[test]
fn app_features_import_each_other_freely_but_not_in_a_circle() {
    let violations = check_tree(
        &APP,
        &[
            ("lib.rs", "pub mod likes;\npub mod teams;\npub mod ui;\n"),
            ("teams.rs", "use crate::likes::Gallery;\npub struct Team;\n"),
            (
                "likes.rs",
                "pub struct Gallery;\npub fn f() -> crate::teams::Team { crate::teams::Team }\n",
            ),
            (
                "ui.rs",
                "use crate::ui::Button;\n\nuse crate::teams::Team;\n",
            ),
        ],
    );
    assert_eq!(
        violations,
        [
            "app/src/ui.rs:3: ui (layer ui) imports teams (layer features): imports run one way, see docs/architecture.md",
            "circle: likes -> teams -> likes [app/src/likes.rs:2, app/src/teams.rs:1]",
        ]
    );
}

#[test]
fn each_prefix_of_the_tables_is_in_one_layer_and_ranks_go_down_the_table() {
    for rules in [&SERVER, &APP] {
        let mut seen = BTreeSet::new();
        for (index, layer) in rules.layers.iter().enumerate() {
            assert_eq!(layer.rank as usize, index, "{}: {}", rules.src, layer.name);
            for prefix in layer.prefixes {
                assert!(seen.insert(*prefix), "{}: {prefix} twice", rules.src);
            }
        }
    }
}
