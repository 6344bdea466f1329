//! The built front-end assets. `script/build-assets` names the bundle and the
//! stylesheet after a hash of their content (`hackboard-<hash>.js`,
//! `hackboard-<hash>_bg.wasm`, `hackboard-<hash>.css`) so they can be cached
//! forever; the server finds those names at start.

use std::path::Path;
use std::sync::Arc;

/// Names of the current bundle, as Leptos and the shell need them.
#[derive(Debug, Clone)]
pub struct Assets {
    /// `hackboard-<hash>`: Leptos loads `/pkg/<name>.js` and `<name>_bg.wasm`.
    pub output_name: String,
    /// `/pkg/hackboard-<hash>.css`
    pub css_href: Arc<str>,
}

#[derive(Debug, thiserror::Error)]
#[error(
    "no built assets in {0}/pkg (expected hackboard-<hash>.js and .css): run script/build-assets"
)]
pub struct MissingAssets(String);

impl Assets {
    pub fn discover(site_dir: &Path) -> Result<Assets, MissingAssets> {
        let pkg = site_dir.join("pkg");
        let missing = || MissingAssets(site_dir.display().to_string());
        let names: Vec<String> = std::fs::read_dir(&pkg)
            .map_err(|_| missing())?
            .filter_map(|e| e.ok())
            .filter_map(|e| e.file_name().into_string().ok())
            .collect();
        let find = |ext: &str| {
            names
                .iter()
                .filter(|n| n.starts_with("hackboard-") && n.ends_with(ext))
                .max()
                .map(|n| n.trim_end_matches(ext).to_owned())
        };
        let output_name = find(".js").ok_or_else(missing)?;
        let css = find(".css").ok_or_else(missing)?;
        Ok(Assets {
            output_name,
            css_href: format!("/pkg/{css}.css").into(),
        })
    }
}
