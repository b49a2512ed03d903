//! Hosts that serve real captured bytes (MIT test data of the 6Aika project, see `site/PROVENANCE.md`):
//! Espoo's Dynasty pages at `espoo04.hosting.documenta.fi/kokous/…` and the CaseM OpenNC JSON API answers of
//! Tampere and Mikkeli at `<city>.cloudnc.fi/api/opennc/v1/…`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::site::{HostSite, JSON};
use crate::text::files_under;
use crate::ReplicaError;

/// When the real pages were captured (2017-06-05).
fn captured() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_496_656_800)
}

/// Maps a captured CaseM file name to the API path it answers.
fn casem_path(name: &str) -> Option<String> {
    let stem = name.strip_suffix(".json")?;
    if stem == "nodes" {
        return Some("/api/opennc/v1/Nodes".into());
    }
    if let Some(id) = stem.strip_prefix("node_").and_then(|s| s.strip_suffix("_contents")) {
        return Some(format!("/api/opennc/v1/Nodes({id})/Contents"));
    }
    if let Some(id) = stem
        .strip_prefix("contents_")
        .and_then(|s| s.strip_suffix("_extended_properties"))
    {
        return Some(format!("/api/opennc/v1/Contents({id})/ExtendedProperties"));
    }
    if let Some(id) = stem.strip_suffix("_subnodes") {
        if id.chars().all(|c| c.is_ascii_digit()) {
            return Some(format!("/api/opennc/v1/Nodes({id})/Subnodes"));
        }
    }
    None
}

/// Builds the real-bytes hosts.
pub(crate) fn build() -> Result<Vec<(String, HostSite)>, ReplicaError> {
    let mut out = Vec::new();
    let mut espoo = HostSite::new("dynasty-real");
    for (path, bytes) in files_under("real/espoo/") {
        let name = path.rsplit('/').next().unwrap_or(path);
        espoo.page(
            &format!("/kokous/{name}"),
            "text/html; charset=windows-1252",
            bytes,
            captured(),
        );
    }
    espoo.robots = Some("User-agent: *\nDisallow: /cgi/\nCRAWL_DELAY\n".into());
    out.push(("espoo04.hosting.documenta.fi".to_string(), espoo));
    for city in ["tampere", "mikkeli"] {
        let mut hs = HostSite::new("casem-api");
        hs.gzip = true;
        for (path, bytes) in files_under(&format!("casem-api/{city}/")) {
            let name = path.rsplit('/').next().unwrap_or(path);
            let api = casem_path(name).ok_or_else(|| ReplicaError::Data(format!("unmapped CaseM file {path}")))?;
            hs.page(&api, JSON, bytes, captured());
        }
        hs.robots = Some("User-agent: *\nCRAWL_DELAY\n".into());
        out.push((format!("{city}.cloudnc.fi"), hs));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::casem_path;

    #[test]
    fn casem_files_map_to_api_paths() {
        assert_eq!(casem_path("nodes.json").as_deref(), Some("/api/opennc/v1/Nodes"));
        assert_eq!(
            casem_path("11291_subnodes.json").as_deref(),
            Some("/api/opennc/v1/Nodes(11291)/Subnodes")
        );
        assert_eq!(
            casem_path("node_11292_contents.json").as_deref(),
            Some("/api/opennc/v1/Nodes(11292)/Contents")
        );
        assert_eq!(
            casem_path("contents_57_extended_properties.json").as_deref(),
            Some("/api/opennc/v1/Contents(57)/ExtendedProperties")
        );
        assert_eq!(casem_path("11291_11292_subnodes.json"), None);
    }
}
